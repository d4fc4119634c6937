import os from 'node:os';
import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '../../db/columns';
import { ConnectorEntity } from '../../db/entities/connector.entity';
import { readTime, sqlTime } from '../../db/sql';
import { MemoryFigures, SyncRunEntity, SyncRunKind, SyncRunStatus } from '../../db/entities/sync-run.entity';
import { SyncLogEntryEntity } from '../../db/entities/sync-log-entry.entity';
import type { Transactions } from '../../db/transactions';
import type { Logger } from '../../logger';
import type { RequestContext } from '../context';
import type { ConnectorService } from '../connectors/connector.service';
import { DomainError } from '../errors';
import { DirectorySyncService, SyncCounts, zeroCounts } from './directory-sync.service';

function memoryNow(): MemoryFigures {
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, freeSystem: os.freemem() };
}

/**
 * Full syncs and previews of a connector, recorded as sync runs with their counts, log and (when
 * the connector asks) memory figures.
 */
export class SyncRunService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly connectors: ConnectorService,
    private readonly sync: DirectorySyncService,
    private readonly log: Logger,
  ) {}

  /**
   * Starts a full sync (or, with dryRun, a preview that writes nothing but its run) and answers
   * its run at once; `finished` resolves when the run has ended.
   */
  async start(
    ctx: RequestContext,
    connectorId: string,
    dryRun: boolean,
    retried = false,
  ): Promise<{ run: SyncRunEntity; finished: Promise<SyncRunEntity> }> {
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
      memory: connector.logFreeMemory ? { start: memoryNow() } : null,
      diff: null,
    };
    // A full sync writes: one node at a time per connector. The lease and the run row are written
    // together, so that whoever finds the lease taken also finds the run to join.
    const started = await this.transactions.run(async (manager) => {
      if (!dryRun && !(await this.takeLease(manager, connectorId, run.id, now))) return false;
      await manager.insert(SyncRunEntity, run);
      return true;
    });
    if (!started) {
      const running = await this.runningFullSync(connectorId);
      if (running) return { run: running, finished: this.whenFinished(running.id) };
      // The run holding the lease ended in between: the lease is free again.
      if (!retried) return this.start(ctx, connectorId, dryRun, true);
      throw new DomainError('CONFLICT', 'full syncs of this connector keep starting on other nodes; try again in a moment');
    }
    const finished = this.execute(ctx, run, dryRun);
    // A run nobody waits for still has its failure logged.
    finished.catch((error: unknown) => this.log.error({ err: error, syncRunId: run.id }, 'could not record the end of a sync run'));
    return { run: { ...run }, finished };
  }

  /** Takes the connector's sync lease for run `owner` when nobody holds it, in one conditional UPDATE. */
  private async takeLease(manager: EntityManager, connectorId: string, owner: string, now: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ConnectorEntity)
      .set({ syncLeaseOwner: owner, syncLeaseUntil: new Date(now.getTime() + SYNC_LEASE_MS) })
      .where('id = :connectorId', { connectorId })
      .andWhere('(syncLeaseUntil IS NULL OR syncLeaseUntil < :now)', { now: sqlTime(now) })
      .execute();
    return result.affected === 1;
  }

  private async renewLease(manager: EntityManager, connectorId: string, owner: string): Promise<boolean> {
    const result = await manager.update(ConnectorEntity, { id: connectorId, syncLeaseOwner: owner }, { syncLeaseUntil: new Date(Date.now() + SYNC_LEASE_MS) });
    return result.affected === 1;
  }

  private async runningFullSync(connectorId: string): Promise<SyncRunEntity | null> {
    const [connector] = await this.dataSource.query('SELECT syncLeaseOwner FROM connectors WHERE id = ?', [connectorId]);
    return connector?.syncLeaseOwner ? this.dataSource.getRepository(SyncRunEntity).findOneBy({ id: connector.syncLeaseOwner }) : null;
  }

  /**
   * Resolves with the run once it has ended, whichever node runs it; or as it stands when its
   * lease has gone (its node died), since nobody will end it then.
   */
  private async whenFinished(id: string): Promise<SyncRunEntity> {
    for (;;) {
      const run = await this.dataSource.getRepository(SyncRunEntity).findOneByOrFail({ id });
      if (run.status !== 'RUNNING') return run;
      const [lease] = await this.dataSource.query('SELECT syncLeaseOwner, syncLeaseUntil FROM connectors WHERE id = ?', [run.connectorId]);
      if (lease?.syncLeaseOwner !== id || readTime(lease.syncLeaseUntil).getTime() < Date.now()) return run;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  /** A connector's runs, newest first; `after` is the (startedAt, id) of the last run of the previous page. */
  async list(
    _ctx: RequestContext,
    connectorId: string,
    page: { first: number; after: { startedAt: Date; id: string } | null },
  ): Promise<{ items: SyncRunEntity[]; total: number; hasNext: boolean }> {
    const repository = this.dataSource.getRepository(SyncRunEntity);
    const query = repository.createQueryBuilder('run').where('run.connectorId = :connectorId', { connectorId });
    const total = await query.clone().getCount();
    if (page.after) {
      query.andWhere('(run.startedAt < :at OR (run.startedAt = :at AND run.id < :id))', { at: page.after.startedAt, id: page.after.id });
    }
    const rows = await query.orderBy('run.startedAt', 'DESC').addOrderBy('run.id', 'DESC').take(page.first + 1).getMany();
    return { items: rows.slice(0, page.first), total, hasNext: rows.length > page.first };
  }

  /** A run's log lines, oldest first, after the line with id `afterId`. */
  async logEntries(
    _ctx: RequestContext,
    syncRunId: string,
    page: { first: number; afterId: number | null },
  ): Promise<{ items: SyncLogEntryEntity[]; total: number; hasNext: boolean }> {
    const repository = this.dataSource.getRepository(SyncLogEntryEntity);
    const query = repository.createQueryBuilder('entry').where('entry.syncRunId = :syncRunId', { syncRunId });
    const total = await query.clone().getCount();
    if (page.afterId !== null) query.andWhere('entry.id > :afterId', { afterId: page.afterId });
    const rows = await query.orderBy('entry.id', 'ASC').take(page.first + 1).getMany();
    return { items: rows.slice(0, page.first), total, hasNext: rows.length > page.first };
  }

  async get(_ctx: RequestContext, id: string): Promise<SyncRunEntity | null> {
    return this.dataSource.getRepository(SyncRunEntity).findOneBy({ id });
  }

  private async execute(ctx: RequestContext, run: SyncRunEntity, dryRun: boolean): Promise<SyncRunEntity> {
    let peak = run.memory ? memoryNow() : null;
    const trackPeak = () => {
      if (!peak) return;
      const current = memoryNow();
      if (current.rss > peak.rss) peak = current;
    };
    let status: SyncRunStatus = 'SUCCEEDED';
    let counts: SyncCounts = zeroCounts();
    const messages: Array<{ level: 'INFO' | 'WARN' | 'ERROR'; message: string }> = [];
    try {
      const plan = await this.sync.plan(ctx, run.connectorId);
      const outcome = await this.sync.syncAll(plan, {
        dryRun,
        // One commit a batch for the lease and the progress together: each commit is a disk sync on MySQL.
        onBatch: async (progress) => {
          trackPeak();
          await this.transactions.run(async (manager) => {
            if (!dryRun && !(await this.renewLease(manager, run.connectorId, run.id))) throw new Error('the sync lease was lost to another node');
            await manager.update(SyncRunEntity, { id: run.id }, { ...progress, lastActivityAt: new Date() });
          });
        },
      });
      counts = outcome.counts;
      for (const error of outcome.samples.errors) messages.push({ level: 'ERROR', message: error });
      if (counts.errors > 0) status = 'PARTIALLY_FAILED';
      if (dryRun) run.diff = { ...outcome.samples };
    } catch (error) {
      status = 'FAILED';
      messages.push({ level: 'ERROR', message: `the sync stopped: ${error instanceof Error ? error.message : String(error)}` });
      this.log.error({ err: error, syncRunId: run.id }, 'sync run failed');
    }
    trackPeak();
    const finishedAt = new Date();
    const finished: SyncRunEntity = {
      ...run,
      ...counts,
      status,
      finishedAt,
      lastActivityAt: finishedAt,
      memory: run.memory ? { ...run.memory, end: memoryNow(), peak: peak ?? undefined } : null,
    };
    messages.push({ level: 'INFO', message: summary(counts, dryRun) });
    await this.transactions.run(async (manager) => {
      await manager.save(SyncRunEntity, finished);
      if (!dryRun) {
        await manager.update(ConnectorEntity, { id: run.connectorId, syncLeaseOwner: run.id }, { syncLeaseOwner: null, syncLeaseUntil: null });
      }
      await manager.insert(
        SyncLogEntryEntity,
        messages.map((entry) => ({ syncRunId: run.id, at: finishedAt, level: entry.level, message: entry.message.slice(0, 1000), userName: null, details: null })),
      );
    });
    return finished;
  }
}

/** How long a lease lasts without renewal: a run renews it after every batch, far more often. */
export const SYNC_LEASE_MS = 60_000;
/** How often a caller waiting for another node's run looks at it. */
const WAIT_POLL_MS = 200;

function summary(counts: SyncCounts, dryRun: boolean): string {
  const verb = dryRun ? 'would have' : 'have been';
  return `users ${verb} created ${counts.usersCreated}, updated ${counts.usersUpdated}, disabled ${counts.usersDisabled}, enabled ${counts.usersEnabled}, deleted ${counts.usersDeleted}; memberships added ${counts.membershipsAdded}, removed ${counts.membershipsRemoved}; errors ${counts.errors}`;
}
