import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import type { ScratchDatabase } from './databases';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Runs `work` on its own connection to a scratch database that server processes are using: for
 * tests that change what the servers hold behind their backs.
 */
export async function withDatabase<T>(scratch: ScratchDatabase, work: (query: Query) => Promise<T>): Promise<T> {
  const config = scratch.config;
  if (config.kind === 'sqlite') {
    const db = new Database(config.file, { timeout: 10_000 });
    try {
      return await work(async (sql, params = []) => {
        const statement = db.prepare(sql);
        return statement.reader ? statement.all(...params) : statement.run(...params);
      });
    } finally {
      db.close();
    }
  }
  const connection = await mysql.createConnection(config.url);
  try {
    return await work(async (sql, params = []) => (await connection.query(sql, params))[0]);
  } finally {
    await connection.end();
  }
}
