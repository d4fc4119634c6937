import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/db/columns';
import { sqlTime } from '../../src/db/sql';
import { openTestDatabase, TestDatabase } from '../support/server';

describe('SQLite WAL checkpoints', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase('sqlite');
  });
  after(() => db.close());

  it('when writes land in the WAL, then the worker copies them into the database file soon after', async () => {
    assert.equal(db.scratch.config.kind, 'sqlite');
    const file = db.scratch.config.kind === 'sqlite' ? db.scratch.config.file : '';
    assert.equal((await db.dataSource.query('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint, 0, 'the server connection never checkpoints');
    const before = fs.statSync(file).size;
    const now = sqlTime(new Date());
    for (let batch = 0; batch < 20; batch += 1) {
      const rows = Array.from({ length: 100 }, () => [newId(), 'LOCAL', 'x'.repeat(200), now]);
      await db.dataSource.query(`INSERT INTO directories (id, kind, name, createdAt) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`, rows.flat());
    }
    // A checkpoint may copy the pages over more than one pass: wait for all of them, not the first.
    const copied = () => fs.statSync(file).size > before + 300_000;
    const deadline = Date.now() + 5_000;
    while (!copied() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(copied(), `the database file grew from ${before} to ${fs.statSync(file).size} bytes`);
  });
});
