import type { Logger } from 'typeorm';

/**
 * A TypeORM logger that keeps the SQL it sees, for tests that count or inspect it. On MySQL one
 * query may carry several statements (Transactions' Pipeline): `roundTrips` keeps each query as
 * sent, `statements` each statement on its own.
 */
export class StatementLog implements Logger {
  roundTrips: string[] = [];
  statements: string[] = [];

  logQuery(query: string): void {
    this.roundTrips.push(query);
    this.statements.push(...query.split(';\n'));
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}

  /** The statements logged while `work` ran. */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const start = this.statements.length;
    await work();
    return this.statements.slice(start);
  }

  /** The queries sent while `work` ran, each as one round trip. */
  async roundTripsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const start = this.roundTrips.length;
    await work();
    return this.roundTrips.slice(start);
  }
}
