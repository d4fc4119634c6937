import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/** How often a MySQL transaction that lost a deadlock is tried again before its error is raised. */
const DEADLOCK_RETRIES = 3;

/**
 * Runs `work` in one transaction. Every write of the application goes through here.
 *
 * SQLite: TypeORM shares one connection (and so one transaction) among all callers, so two
 * overlapping transactions would silently merge. Transactions therefore run one at a time, in
 * arrival order. MySQL: each transaction has a pooled connection of its own; one chosen as a
 * deadlock victim is run again, since it was rolled back whole.
 */
export class Transactions {
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'better-sqlite3') {
      const result = this.sqliteQueue.then(() => this.dataSource.transaction(work));
      this.sqliteQueue = result.catch(() => undefined);
      return result;
    }
    return this.withDeadlockRetry(work);
  }

  private async withDeadlockRetry<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt > DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }
}

function isDeadlock(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const errno = (error.driverError as { errno?: number } | undefined)?.errno;
  // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
  return errno === 1213 || errno === 1205;
}
