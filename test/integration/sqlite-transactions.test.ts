import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Transactions } from '../../src/db/transactions';
import { openTestDatabase, TestDatabase } from '../support/server';

describe('SQLite transactions with a second process on the file', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase('sqlite');
  });
  after(() => db.close());

  it('when another connection writes while a transaction is between its read and its write, then it waits for the transaction, which commits', async () => {
    const config = db.scratch.config;
    assert.equal(config.kind, 'sqlite');
    // Another process's connection, impatient so that the test does not wait out a long timeout.
    const other = new Database(config.kind === 'sqlite' ? config.file : '', { timeout: 50 });
    try {
      const transactions = new Transactions(db.dataSource);
      let otherWrite: string | null = null;
      await transactions.run(async (manager) => {
        await manager.query("SELECT id FROM directories WHERE kind = 'LOCAL'");
        try {
          other.prepare("INSERT INTO directories (id, kind, name, createdAt) VALUES ('other-process', 'LOCAL', 'other', '2026-01-01 00:00:00.000')").run();
          otherWrite = 'written';
        } catch (error) {
          otherWrite = (error as { code?: string }).code ?? String(error);
        }
        await manager.query("INSERT INTO directories (id, kind, name, createdAt) VALUES ('this-process', 'LOCAL', 'this', '2026-01-01 00:00:00.000')");
      });
      assert.equal(otherWrite, 'SQLITE_BUSY', 'the transaction held the write lock from its start');
      const [row] = await db.dataSource.query("SELECT name FROM directories WHERE id = 'this-process'");
      assert.equal(row?.name, 'this');
    } finally {
      other.close();
    }
  });
});

describe('SQLite connection settings', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase('sqlite');
  });
  after(() => db.close());

  it('when the data source connects, then statement journals are kept in memory, not in temporary files', async () => {
    const [row] = await db.dataSource.query('PRAGMA temp_store');
    assert.equal(row.temp_store, 2, 'temp_store is MEMORY');
  });
});
