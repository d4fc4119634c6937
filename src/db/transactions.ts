import { DataSource, EntityManager, QueryFailedError, QueryResult, QueryRunner } from 'typeorm';

/** How often a MySQL transaction that lost a deadlock is tried again before its error is raised. */
const DEADLOCK_RETRIES = 3;
/** The most SQLite transactions committed together. */
const MAX_GROUP = 64;

/** What a transaction's work may ask of the transaction besides its statements. */
export interface TransactionScope {
  /** Runs `effect` once the transaction has committed; never when it rolls back. */
  afterCommit(effect: () => void): void;
  /**
   * A write whose answer nothing waits for. MySQL sends it together with the transaction's next
   * statement, or with its COMMIT (see Pipeline); SQLite runs it at once. Should it fail, that next
   * statement raises its error, still within the transaction, which then rolls back whole.
   * `affected` hears how many rows it changed once it has run, before the transaction commits (on
   * MySQL as late as the COMMIT's round trip): counts belong in after-commit effects.
   */
  defer(sql: string, params: unknown[], affected?: (rows: number) => void): Promise<void>;
  /**
   * Sends what is deferred now. Call it before a statement whose error the work catches and goes
   * on from: alone, that statement's error is its own.
   */
  flush(): Promise<void>;
  /** Runs `statements` in order and answers each one's rows: on MySQL in one round trip with what is deferred. */
  queryAll(statements: Array<[sql: string, params: unknown[]]>): Promise<unknown[][]>;
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
        const scope: TransactionScope = {
          afterCommit: (effect) => effects.push(effect),
          defer: async (sql, params, affected) => {
            const result = await runner.query(sql, params, true);
            affected?.(result.affected ?? 0);
          },
          flush: async () => undefined,
          queryAll: async (statements) => {
            const answers: unknown[][] = [];
            for (const [sql, params] of statements) answers.push(await runner.query(sql, params));
            return answers;
          },
        };
        try {
          const value = await item.work(runner.manager, scope);
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

  /** TypeORM's DataSource.transaction, on a query runner whose statements go through a Pipeline. */
  private async pipelined<T>(work: (manager: EntityManager, pipeline: Pipeline) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const pipeline = new Pipeline(runner);
    try {
      await runner.startTransaction();
      const value = await work(runner.manager, pipeline);
      await runner.commitTransaction();
      return value;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async withDeadlockRetry<T>(work: Work<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      // An attempt rolled back for a deadlock leaves its effects behind with it.
      const effects: Array<() => void> = [];
      try {
        const value = await this.pipelined((manager, pipeline) =>
          work(manager, { afterCommit: (effect) => effects.push(effect), defer: pipeline.defer, flush: pipeline.flush, queryAll: pipeline.queryAll }),
        );
        runEffects(effects);
        return value;
      } catch (error) {
        if (attempt > DEADLOCK_RETRIES || !isDeadlock(error)) throw error;
      }
    }
  }
}

/**
 * A MySQL transaction's statements, sent together where nothing waits for an answer in between:
 * START TRANSACTION goes with the first statement, and deferred writes with the next statement or
 * the COMMIT, as one multi-statement query (the pool has multipleStatements on): one round trip
 * instead of several. Each round trip costs the server a socket write and the request a wait for
 * MySQL's answer, so a SCIM write spends about as many as it did before the directory followed it.
 * A ROLLBACK drops what was held back unsent.
 *
 * When such a query fails, its error may be a held statement's as well as the last one's: from
 * then on every statement but ROLLBACK raises that error again, so that work that catches it,
 * taking it for its own statement's, cannot go on to commit without the held writes.
 */
class Pipeline {
  private readonly held: Array<[sql: string, params: unknown[], affected?: (rows: number) => void]> = [];
  private failure: { error: unknown } | null = null;
  private readonly send: (sql: string, params: unknown[], structured?: boolean) => Promise<unknown>;

  constructor(runner: QueryRunner) {
    this.send = runner.query.bind(runner) as Pipeline['send'];
    runner.query = (async (sql: string, params: unknown[] = [], structured: boolean = false) => {
      if (sql.startsWith('ROLLBACK')) {
        this.held.length = 0;
        return this.send(sql, params, structured);
      }
      if (this.failure) throw this.failure.error;
      if (sql === 'START TRANSACTION') {
        this.held.push([sql, []]);
        return structured ? new QueryResult() : undefined;
      }
      if (this.held.length === 0) return this.send(sql, params, structured);
      const [answer] = await this.withHeld([[sql, params]]);
      if (!structured) return answer;
      const result = new QueryResult();
      result.raw = answer;
      result.records = Array.isArray(answer) ? answer : [];
      result.affected = (answer as { affectedRows?: number } | undefined)?.affectedRows;
      return result;
    }) as QueryRunner['query'];
  }

  readonly defer = async (sql: string, params: unknown[], affected?: (rows: number) => void): Promise<void> => {
    this.held.push([sql, params, affected]);
  };

  readonly flush = async (): Promise<void> => {
    if (this.held.some(([sql]) => sql !== 'START TRANSACTION')) await this.queryAll([['DO 0', []]]);
  };

  readonly queryAll = async (statements: Array<[sql: string, params: unknown[]]>): Promise<unknown[][]> => {
    if (this.failure) throw this.failure.error;
    return (await this.withHeld(statements)) as unknown[][];
  };

  /** Sends what is held, then `statements`, as one query; answers the results of `statements`. */
  private async withHeld(statements: Array<[sql: string, params: unknown[]]>): Promise<unknown[]> {
    const held = this.held.splice(0);
    const all = [...held, ...statements];
    let answers: unknown;
    try {
      answers = await this.send(all.map(([sql]) => sql).join(';\n'), all.flatMap(([, params]) => params));
    } catch (error) {
      if (held.some(([sql]) => sql !== 'START TRANSACTION')) this.failure = { error };
      throw error;
    }
    // One statement answers its result; several, a list of one result each.
    const results = all.length === 1 ? [answers] : (answers as unknown[]);
    held.forEach(([, , affected], index) => affected?.((results[index] as { affectedRows?: number } | undefined)?.affectedRows ?? 0));
    return results.slice(held.length);
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
