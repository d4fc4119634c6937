import { DataSource, EntityManager, In } from 'typeorm';
import { newId } from '../../db/columns';
import { ConnectorEntity } from '../../db/entities/connector.entity';
import { placeholders, readTime, rowsByPart, sqlTime, unionOfParts } from '../../db/sql';
import { SyncRunEntity, SyncRunKind, SyncRunStatus } from '../../db/entities/sync-run.entity';
import { SyncLogEntryEntity } from '../../db/entities/sync-log-entry.entity';
import type { Transactions } from '../../db/transactions';
import type { Logger } from '../../logger';
import { RequestContext, SYSTEM_CONTEXT } from '../context';
import type { AuditService } from '../audit/audit.service';
import type { ConnectorService } from '../connectors/connector.service';
import type { SettingsChanges } from '../connectors/settings-changes';
import type { Page } from '../directory/directory.types';
import { assertValidPolicy, GroupPolicy } from '../policies/group-policy.service';
import { DomainError } from '../errors';
import { DirectorySyncService, summary, SyncCounts, zeroCounts } from './directory-sync.service';
import { memoryNow, withMemoryNow } from './memory';


/**
 * Full syncs and previews of a connector, recorded as sync runs with their counts, log and (when
 * the connector asks) memory figures.
 *
 * A settings change starts a full sync. One that lands while a full sync runs is applied by
 * another run right after it: a run records the settings version it applied, and the connector
 * whose settings are ahead of that is due. Due connectors are also looked for at start and every
 * minute, so that a run cut short (a node stopped or died) is made up for.
 */
export class SyncRunService {
  private readonly running = new Set<Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly connectors: ConnectorService,
    private readonly sync: DirectorySyncService,
    private readonly audit: AuditService,
    settingsChanges: SettingsChanges,
    private readonly log: Logger,
    /** How long a full sync's lease lasts without renewal (config SYNC_LEASE_SECONDS). */
    private readonly leaseMs: number,
  ) {
    settingsChanges.subscribe((ctx, connectorId) => this.startInBackground(ctx, connectorId));
    this.timer = setInterval(() => void this.startDue(), DUE_CHECK_MS);
    this.timer.unref();
  }

  /** Starts a full sync of every connector whose settings are ahead of its last full sync, and whose lease is free. */
  async startDue(): Promise<void> {
    if (this.stopping) return;
    try {
      const due: Array<{ id: string }> = await this.dataSource.query(
        'SELECT id FROM connectors WHERE syncedSettingsVersion < settingsVersion AND (syncLeaseUntil IS NULL OR syncLeaseUntil < ?)',
        [sqlTime(new Date())],
      );
      for (const connector of due) this.startInBackground(SYSTEM_CONTEXT, connector.id);
    } catch (error) {
      this.log.error({ err: error }, 'could not look for connectors due for a full sync');
    }
  }

  /** Ends this node's runs at their next batch (they are recorded as failed and made up for later). */
  async close(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private startInBackground(ctx: RequestContext, connectorId: string): void {
    if (this.stopping) return;
    this.start(ctx, connectorId, false).catch((error: unknown) => this.log.error({ err: error, connectorId }, 'could not start a full sync'));
  }

  /**
   * An admin's request for a full sync or a preview: starts it as start() does, and records the
   * request in the audit trail, with the run that answers it (a full sync running already, when
   * there is one). A preview may try a proposed group policy instead of the saved one.
   */
  async request(ctx: RequestContext, connectorId: string, kind: { dryRun: false } | { dryRun: true; proposedPolicy?: Partial<GroupPolicy> }): Promise<StartedRun> {
    // Checked as a save would check them: a preview of lists that cannot be saved tells nothing.
    if (kind.dryRun && kind.proposedPolicy) assertValidPolicy(kind.proposedPolicy);
    return this.start(ctx, connectorId, kind.dryRun, { proposedPolicy: kind.dryRun ? kind.proposedPolicy : undefined, audited: true });
  }

  /**
   * Starts a full sync (or, with dryRun, a preview that writes nothing but its run) and answers
   * its run at once; `finished()` resolves when the run has ended.
   */
  async start(
    ctx: RequestContext,
    connectorId: string,
    dryRun: boolean,
    options: { retried?: boolean; proposedPolicy?: Partial<GroupPolicy>; audited?: boolean } = {},
  ): Promise<StartedRun> {
    if (options.proposedPolicy && !dryRun) throw new Error('a proposed policy is for previews only');
    /** An admin's request goes in the audit trail with the run that answers it, in that run's transaction. */
    const audit = async (manager: EntityManager, syncRunId: string) => {
      if (!options.audited) return;
      const proposed = options.proposedPolicy;
      await this.audit.record(manager, ctx, {
        action: proposed ? 'connector.previewGroupPolicy' : 'connector.runSync',
        targetType: 'Connector',
        targetId: connectorId,
        after: { dryRun, syncRunId, ...(proposed ? { proposedPolicy: { ...proposed } } : {}) },
      });
    };
    const connector = await this.connectors.get(ctx, connectorId);
    const now = new Date();
    const run: SyncRunEntity = {
      id: newId(),
      connectorId,
      kind: dryRun ? 'PREVIEW' : ('FULL' satisfies SyncRunKind),
      status: 'RUNNING',
      startedAt: now,
      finishedAt: null,
      lastActivityAt: now,
      ...zeroCounts(),
      usersProcessed: 0,
      usersTotal: null,
      memory: connector.logFreeMemory ? { start: memoryNow() } : null,
      diff: null,
    };
    // A full sync writes: one node at a time per connector. The lease and the run row are written
    // together, so that whoever finds the lease taken also finds the run to join.
    const started = await this.transactions.run(async (manager) => {
      if (!dryRun && !(await this.takeLease(manager, connectorId, run.id, now, connector.syncLeaseOwner))) return false;
      await manager.insert(SyncRunEntity, run);
      await audit(manager, run.id);
      return true;
    });
    if (!started) {
      const running = await this.runningFullSync(connectorId);
      if (running) {
        await this.transactions.run((manager) => audit(manager, running.id));
        return { run: running, finished: () => this.whenFinished(running.id) };
      }
      // The run holding the lease ended in between: the lease is free again.
      if (!options.retried) return this.start(ctx, connectorId, dryRun, { ...options, retried: true });
      throw new DomainError('CONFLICT', 'full syncs of this connector keep starting on other nodes; try again in a moment');
    }
    const finished = this.execute(ctx, run, dryRun, options.proposedPolicy);
    this.running.add(finished);
    // A run nobody waits for still has its failure logged.
    finished
      .catch((error: unknown) => this.log.error({ err: error, syncRunId: run.id }, 'could not record the end of a sync run'))
      .finally(() => this.running.delete(finished));
    return { run: { ...run }, finished: () => finished };
  }

  /**
   * Takes the connector's sync lease for run `owner` when nobody holds it, in one conditional
   * UPDATE. `heldBy` is the holder as read before the transaction (on SQLite, a transaction that
   * reads first cannot write once another process has written). A run that still runs when its
   * lease is taken has lost it (it ran out: the node died or stalled), and is marked interrupted;
   * should the lease have changed hands in between, `heldBy` has ended or lost it all the same.
   */
  private async takeLease(manager: EntityManager, connectorId: string, owner: string, now: Date, heldBy: string | null): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ConnectorEntity)
      .set({ syncLeaseOwner: owner, syncLeaseUntil: new Date(now.getTime() + this.leaseMs) })
      .where('id = :connectorId', { connectorId })
      .andWhere('(syncLeaseUntil IS NULL OR syncLeaseUntil < :now)', { now: sqlTime(now) })
      .execute();
    if (result.affected !== 1) return false;
    if (heldBy) await markInterrupted(manager, heldBy, now);
    return true;
  }

  /**
   * Extends the lease while it is still the run's. A lease that ran out is lost even when nobody
   * has taken it yet: by then the run counts as interrupted (isAbandoned), so it must not go on.
   */
  private async renewLease(manager: EntityManager, connectorId: string, owner: string): Promise<boolean> {
    const now = new Date();
    const result = await manager
      .createQueryBuilder()
      .update(ConnectorEntity)
      .set({ syncLeaseUntil: new Date(now.getTime() + this.leaseMs) })
      .where('id = :connectorId AND syncLeaseOwner = :owner', { connectorId, owner })
      .andWhere('syncLeaseUntil >= :now', { now: sqlTime(now) })
      .execute();
    return result.affected === 1;
  }

  private async runningFullSync(connectorId: string): Promise<SyncRunEntity | null> {
    const [connector] = await this.dataSource.query('SELECT syncLeaseOwner FROM connectors WHERE id = ?', [connectorId]);
    return connector?.syncLeaseOwner ? this.dataSource.getRepository(SyncRunEntity).findOneBy({ id: connector.syncLeaseOwner }) : null;
  }

  /** Resolves with the run once it has ended, whichever node runs it, or once it is found interrupted. */
  private async whenFinished(id: string): Promise<SyncRunEntity> {
    for (;;) {
      const run = await this.settle(await this.dataSource.getRepository(SyncRunEntity).findOneByOrFail({ id }));
      if (run.status !== 'RUNNING') return run;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  /** The run as it stands, marked FAILED first when it can no longer end by itself. */
  private async settle(run: SyncRunEntity): Promise<SyncRunEntity> {
    if (run.status !== 'RUNNING' || !(await this.isAbandoned(run))) return run;
    await this.transactions.run((manager) => markInterrupted(manager, run.id, new Date()));
    return this.dataSource.getRepository(SyncRunEntity).findOneByOrFail({ id: run.id });
  }

  /**
   * Whether a running run was left by its node: a full sync that no longer holds a live lease (it
   * renews it after every batch), a preview that has recorded no progress for as long. Incremental
   * cycles end by a rule of their own.
   */
  private async isAbandoned(run: SyncRunEntity): Promise<boolean> {
    const now = Date.now();
    if (run.kind === 'PREVIEW') return run.lastActivityAt.getTime() + this.leaseMs < now;
    if (run.kind !== 'FULL') return false;
    const [lease] = await this.dataSource.query('SELECT syncLeaseOwner, syncLeaseUntil FROM connectors WHERE id = ?', [run.connectorId]);
    return lease?.syncLeaseOwner !== run.id || readTime(lease.syncLeaseUntil).getTime() < now;
  }

  /**
   * Pages of several connectors' runs, newest first, in three statements however many connectors:
   * each page's ids on the (connectorId, startedAt) index, the runs, the totals. A request's
   * `after` is the (startedAt, id) of the last run of its previous page.
   */
  async pages(_ctx: RequestContext, requests: readonly RunPageRequest[]): Promise<Array<Page<SyncRunEntity>>> {
    if (requests.length === 0) return [];
    const [sql, params] = unionOfParts(
      requests.map((request) => [
        `SELECT id FROM sync_runs WHERE connectorId = ?${request.after ? ' AND (startedAt < ? OR (startedAt = ? AND id < ?))' : ''} ORDER BY startedAt DESC, id DESC LIMIT ?`,
        [
          request.connectorId,
          ...(request.after ? [sqlTime(request.after.startedAt), sqlTime(request.after.startedAt), request.after.id] : []),
          request.first + 1,
        ],
      ]),
    );
    const parts = rowsByPart<{ part: unknown; id: string }>(await this.dataSource.query(sql, params), requests.length);
    const ids = [...new Set(parts.flat().map((row) => row.id))];
    const found = ids.length === 0 ? [] : await this.dataSource.getRepository(SyncRunEntity).findBy({ id: In(ids) });
    const runs = new Map((await Promise.all(found.map((run) => this.settle(run)))).map((run) => [run.id, run]));
    const connectorIds = [...new Set(requests.map((request) => request.connectorId))];
    const totals = new Map<string, number>(
      (
        await this.dataSource.query(`SELECT connectorId, COUNT(*) AS n FROM sync_runs WHERE connectorId IN (${placeholders(connectorIds.length)}) GROUP BY connectorId`, connectorIds)
      ).map((row: { connectorId: string; n: unknown }) => [row.connectorId, Number(row.n)]),
    );
    const newestFirst = (a: SyncRunEntity, b: SyncRunEntity) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    return requests.map((request, index) => {
      const own = parts[index].flatMap((row) => runs.get(row.id) ?? []).sort(newestFirst);
      return { items: own.slice(0, request.first), total: totals.get(request.connectorId) ?? 0, hasNext: own.length > request.first };
    });
  }

  /** Pages of several runs' logs, oldest line first, in two statements; a request's `afterId` is the last line of its previous page. */
  async logPages(_ctx: RequestContext, requests: readonly LogPageRequest[]): Promise<Array<Page<SyncLogEntryEntity>>> {
    if (requests.length === 0) return [];
    const [sql, params] = unionOfParts(
      requests.map((request) => [
        `SELECT id, syncRunId, at, level, message, userName FROM sync_log_entries WHERE syncRunId = ?${request.afterId === null ? '' : ' AND id > ?'} ORDER BY id LIMIT ?`,
        [request.syncRunId, ...(request.afterId === null ? [] : [request.afterId]), request.first + 1],
      ]),
    );
    const parts = rowsByPart<{ part: unknown; id: unknown; syncRunId: string; at: unknown; level: SyncLogEntryEntity['level']; message: string; userName: string | null }>(
      await this.dataSource.query(sql, params),
      requests.length,
    );
    const runIds = [...new Set(requests.map((request) => request.syncRunId))];
    const totals = new Map<string, number>(
      (
        await this.dataSource.query(`SELECT syncRunId, COUNT(*) AS n FROM sync_log_entries WHERE syncRunId IN (${placeholders(runIds.length)}) GROUP BY syncRunId`, runIds)
      ).map((row: { syncRunId: string; n: unknown }) => [row.syncRunId, Number(row.n)]),
    );
    return requests.map((request, index) => {
      const own = parts[index]
        .map((row): SyncLogEntryEntity => ({ id: Number(row.id), syncRunId: row.syncRunId, at: readTime(row.at), level: row.level, message: row.message, userName: row.userName, details: null }))
        .sort((a, b) => a.id - b.id);
      return { items: own.slice(0, request.first), total: totals.get(request.syncRunId) ?? 0, hasNext: own.length > request.first };
    });
  }

  /**
   * Each connector's newest run that changed or could change its directory (a full sync or an
   * incremental cycle, not a preview), in one statement: a LIMIT 1 per connector on the
   * (connectorId, startedAt) index.
   */
  async latest(_ctx: RequestContext, connectorIds: readonly string[]): Promise<Map<string, SyncRunEntity>> {
    if (connectorIds.length === 0) return new Map();
    const newest = "SELECT * FROM (SELECT id FROM sync_runs WHERE connectorId = ? AND kind <> 'PREVIEW' ORDER BY startedAt DESC, id DESC LIMIT 1) newest";
    const rows: Array<{ id: string }> = await this.dataSource.query(connectorIds.map(() => newest).join(' UNION ALL '), [...connectorIds]);
    if (rows.length === 0) return new Map();
    const runs = await this.dataSource.getRepository(SyncRunEntity).findBy({ id: In(rows.map((row) => row.id)) });
    const settled = await Promise.all(runs.map((run) => this.settle(run)));
    return new Map(settled.map((run) => [run.connectorId, run]));
  }

  async get(_ctx: RequestContext, id: string): Promise<SyncRunEntity | null> {
    const run = await this.dataSource.getRepository(SyncRunEntity).findOneBy({ id });
    return run && this.settle(run);
  }

  private async execute(ctx: RequestContext, run: SyncRunEntity, dryRun: boolean, proposedPolicy?: Partial<GroupPolicy>): Promise<SyncRunEntity> {
    // Figures after each batch: the last is the end, the highest RSS the peak.
    let memory = run.memory;
    const trackMemory = () => {
      if (memory) memory = withMemoryNow(memory);
    };
    let status: SyncRunStatus = 'SUCCEEDED';
    let counts: SyncCounts = zeroCounts();
    let appliedVersion: number | null = null;
    const messages: Array<{ level: 'INFO' | 'WARN' | 'ERROR'; message: string }> = [];
    try {
      const plan = await this.sync.plan(ctx, run.connectorId, undefined, proposedPolicy);
      run.usersTotal = await this.sync.usersToSync(plan);
      const total = run.usersTotal;
      await this.transactions.run((manager) => manager.update(SyncRunEntity, { id: run.id }, { usersTotal: total }));
      const outcome = await this.sync.syncAll(plan, {
        dryRun,
        // One commit a batch for the lease and the progress together: each commit is a disk sync on MySQL.
        onBatch: async (progress, processed) => {
          trackMemory();
          // The batch is written: a run that stops after it still reports it.
          counts = { ...progress };
          run.usersProcessed = processed;
          if (this.stopping) throw new Error('the server is stopping; the next full sync finishes the work');
          await this.transactions.run(async (manager) => {
            if (!dryRun && !(await this.renewLease(manager, run.connectorId, run.id))) throw new Error('the sync lease was lost: it ran out, or another node took it');
            await manager.update(SyncRunEntity, { id: run.id }, { ...progress, usersProcessed: processed, lastActivityAt: new Date() });
          });
        },
      });
      counts = outcome.counts;
      for (const error of outcome.samples.errors) messages.push({ level: 'ERROR', message: error });
      if (counts.errors > 0) status = 'PARTIALLY_FAILED';
      if (dryRun) run.diff = { ...outcome.samples };
      appliedVersion = plan.settingsVersion;
    } catch (error) {
      status = 'FAILED';
      messages.push({ level: 'ERROR', message: `the sync stopped: ${error instanceof Error ? error.message : String(error)}` });
      this.log.error({ err: error, syncRunId: run.id }, 'sync run failed');
    }
    trackMemory();
    const finishedAt = new Date();
    const finished: SyncRunEntity = {
      ...run,
      ...counts,
      status,
      finishedAt,
      lastActivityAt: finishedAt,
      memory,
    };
    messages.push({ level: 'INFO', message: summary(counts, dryRun) });
    await this.transactions.run(async (manager) => {
      await manager.save(SyncRunEntity, finished);
      if (!dryRun) {
        await manager.update(
          ConnectorEntity,
          { id: run.connectorId, syncLeaseOwner: run.id },
          { syncLeaseOwner: null, syncLeaseUntil: null, ...(appliedVersion === null ? {} : { syncedSettingsVersion: appliedVersion }) },
        );
      }
      await manager.insert(
        SyncLogEntryEntity,
        messages.map((entry) => ({ syncRunId: run.id, at: finishedAt, level: entry.level, message: entry.message.slice(0, 1000), userName: null, details: null })),
      );
    });
    // Only now that the lease is free: a settings change that found it taken left this run to apply it.
    if (!dryRun && appliedVersion !== null && !this.stopping) {
      const [connector] = await this.dataSource.query('SELECT settingsVersion FROM connectors WHERE id = ?', [run.connectorId]);
      if (connector && Number(connector.settingsVersion) > appliedVersion) this.startInBackground(ctx, run.connectorId);
    }
    return finished;
  }
}

/** A run as it started, and a way to wait for its end. */
export interface StartedRun {
  run: SyncRunEntity;
  finished: () => Promise<SyncRunEntity>;
}

export interface RunPageRequest {
  connectorId: string;
  first: number;
  after: { startedAt: Date; id: string } | null;
}

export interface LogPageRequest {
  syncRunId: string;
  first: number;
  afterId: number | null;
}

/** How often each node looks for connectors due for a full sync. */
const DUE_CHECK_MS = 60_000;
/** How often a caller waiting for another node's run looks at it. */
const WAIT_POLL_MS = 200;

/**
 * Ends a run that can no longer end by itself as FAILED, with a log line saying so; a run that has
 * ended meanwhile stays as it is. What it wrote stays: each batch was a transaction of its own,
 * and the next full sync does the rest.
 */
async function markInterrupted(manager: EntityManager, runId: string, at: Date): Promise<void> {
  const result = await manager.update(SyncRunEntity, { id: runId, status: 'RUNNING' }, { status: 'FAILED', finishedAt: at });
  if (result.affected !== 1) return;
  await manager.insert(SyncLogEntryEntity, {
    syncRunId: runId,
    at,
    level: 'ERROR',
    message: 'the sync was interrupted: the node running it stopped before it finished',
    userName: null,
    details: null,
  });
}

