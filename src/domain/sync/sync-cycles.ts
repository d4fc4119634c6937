import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '../../db/columns';
import type { SyncRunMemory } from '../../db/entities/sync-run.entity';
import { forUpdate, readJson, readTime, sqlTime } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { Logger } from '../../logger';
import { summary, SyncCounts, zeroCounts } from './directory-sync.service';
import { memoryNow, withMemoryNow } from './memory';

/**
 * How long a connector's SCIM traffic may pause before its cycle ends. Entra sends a cycle's
 * requests without pause and starts the next cycle 20 to 40 minutes later.
 */
export const CYCLE_GAP_MS = 5 * 60_000;
/** How often recorded changes are written: one UPDATE per connector per interval, not one per request. */
const FLUSH_MS = 1000;
/** How often runs that have gone quiet are ended, when no new traffic ends them first. */
const SWEEP_MS = 30_000;
/** Error lines kept per connector per flush: a storm of failures must not turn into a storm of rows. */
const ERRORS_PER_FLUSH = 100;

interface Pending {
  counts: SyncCounts;
  errors: string[];
  firstAt: Date;
  lastAt: Date;
}

const COUNT_COLUMNS = Object.keys(zeroCounts()) as Array<keyof SyncCounts>;

/**
 * Rolls what SCIM writes change in the directory up into INCREMENTAL sync runs, one per cycle of a
 * connector's traffic, like Entra's own provisioning logs. Changes are counted in memory and added
 * to the run every second, so that concurrent writes (from any node: the additions commute) never
 * wait on the run's row.
 */
export class SyncCycles {
  private pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;
  private lastSweep = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly log: Logger,
    private readonly gapMs = CYCLE_GAP_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Counts one committed write's changes into its connector's cycle. */
  record(connectorId: string, counts: SyncCounts, errors: string[]): void {
    const now = new Date();
    const pending = this.pending.get(connectorId) ?? { counts: zeroCounts(), errors: [], firstAt: now, lastAt: now };
    for (const column of COUNT_COLUMNS) pending.counts[column] += counts[column];
    pending.errors.push(...errors.slice(0, ERRORS_PER_FLUSH - pending.errors.length));
    pending.lastAt = now;
    this.pending.set(connectorId, pending);
  }

  /** Writes what is recorded, and ends the cycles that have gone quiet. Flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch((error: unknown) => this.log.error({ err: error }, 'could not record the incremental sync cycles'));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    for (const [connectorId, changes] of pending) await this.add(connectorId, changes);
    if (Date.now() - this.lastSweep >= SWEEP_MS) {
      this.lastSweep = Date.now();
      await this.transactions.run(async (manager) => {
        const quiet: string[] = (
          await manager.query("SELECT id FROM sync_runs WHERE kind = 'INCREMENTAL' AND status = 'RUNNING' AND lastActivityAt < ?", [
            sqlTime(new Date(Date.now() - this.gapMs)),
          ])
        ).map((row: { id: string }) => row.id);
        for (const id of quiet) await endCycle(manager, id);
      });
    }
  }

  private async add(connectorId: string, changes: Pending): Promise<void> {
    await this.transactions.run(async (manager) => {
      // The connector's row serialises nodes that would each open a cycle for the same traffic.
      const [connector] = await manager.query(`SELECT logFreeMemory FROM connectors WHERE id = ?${forUpdate(this.dataSource.options.type)}`, [connectorId]);
      if (!connector) return;
      const logMemory = Boolean(Number(connector.logFreeMemory));
      const [open]: Array<{ id: string; lastActivityAt: unknown; memory: unknown }> = await manager.query(
        `SELECT id, lastActivityAt, memory FROM sync_runs WHERE connectorId = ? AND kind = 'INCREMENTAL' AND status = 'RUNNING' ORDER BY startedAt DESC LIMIT 1`,
        [connectorId],
      );
      let runId: string | undefined = open?.id;
      if (open && changes.firstAt.getTime() - readTime(open.lastActivityAt).getTime() > this.gapMs) {
        await endCycle(manager, open.id);
        runId = undefined;
      }
      if (runId) {
        // Figures taken at each write of the cycle: its last is the end, its highest the peak.
        const memory = logMemory ? withMemoryNow(readJson<SyncRunMemory | null>(open!.memory) ?? { start: memoryNow() }) : null;
        await manager.query(
          `UPDATE sync_runs SET ${COUNT_COLUMNS.map((column) => `${column} = ${column} + ?`).join(', ')}, lastActivityAt = ?${memory ? ', memory = ?' : ''} WHERE id = ?`,
          [...COUNT_COLUMNS.map((column) => changes.counts[column]), sqlTime(changes.lastAt), ...(memory ? [JSON.stringify(memory)] : []), runId],
        );
      } else {
        runId = newId();
        await manager.query(
          `INSERT INTO sync_runs (id, connectorId, kind, status, startedAt, finishedAt, lastActivityAt, ${COUNT_COLUMNS.join(', ')}, memory, diff)
           VALUES (?, ?, 'INCREMENTAL', 'RUNNING', ?, NULL, ?, ${COUNT_COLUMNS.map(() => '?').join(', ')}, ?, NULL)`,
          [
            runId,
            connectorId,
            sqlTime(changes.firstAt),
            sqlTime(changes.lastAt),
            ...COUNT_COLUMNS.map((column) => changes.counts[column]),
            // A cycle of one write so far: that write's figures are its start, end and peak.
            logMemory ? JSON.stringify(withMemoryNow({ start: memoryNow() })) : null,
          ],
        );
      }
      if (changes.errors.length > 0) {
        await manager.query(
          `INSERT INTO sync_log_entries (syncRunId, at, level, message, userName, details) VALUES ${changes.errors.map(() => "(?, ?, 'ERROR', ?, NULL, NULL)").join(', ')}`,
          changes.errors.flatMap((message) => [runId, sqlTime(changes.lastAt), message.slice(0, 1000)]),
        );
      }
    });
  }
}

/** Ends a cycle as a full sync ends: its status from its errors, its counts in a closing log line. */
async function endCycle(manager: EntityManager, id: string): Promise<void> {
  const [run]: Array<SyncCounts & { lastActivityAt: unknown }> = await manager.query(
    `SELECT ${COUNT_COLUMNS.join(', ')}, lastActivityAt FROM sync_runs WHERE id = ?`,
    [id],
  );
  const counts = Object.fromEntries(COUNT_COLUMNS.map((column) => [column, Number(run[column])])) as unknown as SyncCounts;
  const status = counts.errors > 0 ? 'PARTIALLY_FAILED' : 'SUCCEEDED';
  const at = sqlTime(readTime(run.lastActivityAt));
  await manager.query('UPDATE sync_runs SET status = ?, finishedAt = ? WHERE id = ?', [status, at, id]);
  await manager.query("INSERT INTO sync_log_entries (syncRunId, at, level, message, userName, details) VALUES (?, ?, 'INFO', ?, NULL, NULL)", [
    id,
    at,
    summary(counts, false),
  ]);
}
