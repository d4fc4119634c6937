import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/** How often a MySQL transaction that lost a deadlock is tried again before its error is raised. */
const DEADLOCK_RETRIES = 3;
/** The most SQLite transactions committed together. */
const MAX_GROUP = 64;

/** What a transaction's work may ask of the transaction besides its statements. */
export interface TransactionScope {
  /** Runs `effect` once the transaction has committed; never when it rolls back. */
  afterCommit(effect: () => void): void;
}

type Work<T> = (manager: EntityManager, scope: TransactionScope) => Promise<T>;

interface Queued {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Runs `work` in one transaction. Every write of the application goes through here; `work` must
 * not call `run` itself.
 *
 * MySQL: each transaction has a pooled connection of its own; one chosen as a deadlock victim is
 * run again, since it was rolled back whole.
 *
 * SQLite: TypeORM shares one connection among all callers, so transactions must not overlap, and
 * each commit writes every page it touched to the WAL. Transactions that arrive together are
 * therefore committed together (group commit): one BEGIN … COMMIT, each transaction in a
 * savepoint of its own, so that one failing rolls back alone. Every caller hears its outcome only
 * after the COMMIT.
 */
export class Transactions {
  private readonly queue: Queued[] = [];
  private draining = false;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: Work<T>): Promise<T> {
    if (this.dataSource.options.type !== 'better-sqlite3') return this.withDeadlockRetry(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // Wait for the rest of this turn of the event loop: requests read in it join the group.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commitGroup(this.queue.splice(0, MAX_GROUP));
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Queued[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Array<{ ok: true; value: unknown; effects: Array<() => void> } | { ok: false; error: unknown }> = [];
    try {
      await runner.startTransaction();
      // BEGIN IMMEDIATE, in effect: a write statement first takes the write lock (waiting out
      // another process's). A transaction that read first could not write after another process
      // had committed (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits for).
      await runner.query('UPDATE connectors SET id = id WHERE 0');
      for (const item of group) {
        await runner.startTransaction();
        const effects: Array<() => void> = [];
        try {
          const value = await item.work(runner.manager, { afterCommit: (effect) => effects.push(effect) });
          await runner.commitTransaction();
          outcomes.push({ ok: true, value, effects });
        } catch (error) {
          await runner.rollbackTransaction();
          outcomes.push({ ok: false, error });
        }
      }
      await runner.commitTransaction();
    } catch (error) {
      // BEGIN or COMMIT itself failed: nothing of the group is stored.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      for (const item of group) item.reject(error);
      return;
    } finally {
      await runner.release();
    }
    group.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) {
        runEffects(outcome.effects);
        item.resolve(outcome.value);
      } else {
        item.reject(outcome.error);
      }
    });
  }

  private async withDeadlockRetry<T>(work: Work<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      // An attempt rolled back for a deadlock leaves its effects behind with it.
      const effects: Array<() => void> = [];
      try {
        const value = await this.dataSource.transaction((manager) => work(manager, { afterCommit: (effect) => effects.push(effect) }));
        runEffects(effects);
        return value;
      } catch (error) {
        if (attempt > DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }
}

/** Effects are bookkeeping (counters, caches): one that throws must not turn a committed write into a failure. */
function runEffects(effects: Array<() => void>): void {
  for (const effect of effects) {
    try {
      effect();
    } catch (error) {
      process.emitWarning(`an after-commit effect failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function isDeadlock(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const errno = (error.driverError as { errno?: number } | undefined)?.errno;
  // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
  return errno === 1213 || errno === 1205;
}
