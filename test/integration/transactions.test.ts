import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isUniqueViolation } from '../../src/db/errors';
import { insertIgnore } from '../../src/db/sql';
import { Transactions } from '../../src/db/transactions';
import { databaseKinds } from '../support/databases';
import { openTestDatabase, TestDatabase } from '../support/server';
import { StatementLog } from '../support/statement-log';

const INSERT = "INSERT INTO directories (id, kind, name, createdAt) VALUES (?, 'LOCAL', ?, '2026-01-01 00:00:00.000')";

for (const kind of databaseKinds()) {
  describe(`transactions' deferred writes (${kind})`, () => {
    let db: TestDatabase;
    let log: StatementLog;
    let transactions: Transactions;
    before(async () => {
      log = new StatementLog();
      db = await openTestDatabase(kind, log);
      transactions = new Transactions(db.dataSource);
    });
    after(() => db.close());

    const names = async (prefix: string) =>
      (await db.dataSource.query('SELECT name FROM directories WHERE id LIKE ? ORDER BY id', [`${prefix}%`])).map((row: { name: string }) => row.name);

    it('when a transaction defers writes and then reads, then the read sees them; on MySQL they travel with START TRANSACTION in one round trip', async () => {
      let read: string[] = [];
      const sent = await log.roundTripsDuring(() =>
        transactions.run(async (manager, scope) => {
          await scope.defer(INSERT, ['read-1', 'one']);
          await scope.defer(INSERT, ['read-2', 'two']);
          read = (await manager.query("SELECT name FROM directories WHERE id LIKE 'read-%' ORDER BY id")).map((row: { name: string }) => row.name);
        }),
      );
      assert.deepEqual(read, ['one', 'two']);
      assert.deepEqual(await names('read-'), ['one', 'two']);
      if (kind === 'mysql') {
        assert.equal(sent.length, 2, sent.join('\n---\n'));
        assert.match(sent[0], /^START TRANSACTION;\nINSERT INTO directories .*;\nINSERT INTO directories .*;\nSELECT name FROM directories/s);
        assert.equal(sent[1], 'COMMIT');
      }
    });

    it('when a transaction ends with deferred writes, then they commit with it (on MySQL in the COMMIT round trip)', async () => {
      const sent = await log.roundTripsDuring(() => transactions.run((_manager, scope) => scope.defer(INSERT, ['last-1', 'last'])));
      assert.deepEqual(await names('last-'), ['last']);
      if (kind === 'mysql') assert.deepEqual(sent, [`START TRANSACTION;\n${INSERT};\nCOMMIT`]);
    });

    it('when a deferred write fails, then the transaction raises its error, stores nothing and runs no after-commit effect', async () => {
      let committed = false;
      const outcome = transactions.run(async (manager, scope) => {
        scope.afterCommit(() => {
          committed = true;
        });
        await scope.defer(INSERT, ['clash-1', 'first']);
        await scope.defer(INSERT, ['clash-1', 'again']);
        await manager.query('SELECT 1');
      });
      await assert.rejects(outcome, (error: unknown) => isUniqueViolation(error));
      assert.deepEqual(await names('clash-'), []);
      assert.equal(committed, false);
    });

    it('when the last deferred write fails, then the COMMIT does not happen and nothing is stored', async () => {
      const outcome = transactions.run(async (_manager, scope) => {
        await scope.defer(INSERT, ['end-1', 'first']);
        await scope.defer(INSERT, ['end-1', 'again']);
      });
      await assert.rejects(outcome, (error: unknown) => isUniqueViolation(error));
      assert.deepEqual(await names('end-'), []);
      // The connection went back to the pool with no transaction open: the next one works.
      await transactions.run((_manager, scope) => scope.defer(INSERT, ['end-2', 'after']));
      assert.deepEqual(await names('end-'), ['after']);
    });

    it('when work catches the error of a query that carried deferred writes and goes on, then the transaction still fails and stores nothing', async () => {
      const outcome = transactions.run(async (manager, scope) => {
        await scope.defer(INSERT, ['caught-1', 'first']);
        await scope.defer(INSERT, ['caught-1', 'again']);
        await manager.query(INSERT, ['caught-2', 'own']).catch(() => undefined);
        await manager.query('SELECT 1');
      });
      await assert.rejects(outcome, (error: unknown) => isUniqueViolation(error));
      assert.deepEqual(await names('caught-'), []);
    });

    it('when work flushes before a statement whose error it catches, then that error is its own and the transaction commits', async () => {
      await transactions.run(async (manager, scope) => {
        await scope.defer(INSERT, ['flushed-1', 'first']);
        await scope.flush();
        await manager.query(INSERT, ['flushed-1', 'clash']).catch((error: unknown) => assert.ok(isUniqueViolation(error)));
        await scope.defer(INSERT, ['flushed-2', 'second']);
      });
      assert.deepEqual(await names('flushed-'), ['first', 'second']);
    });

    it('when reads are sent together after deferred writes, then each answers its own rows (on MySQL in one round trip)', async () => {
      let answers: unknown[][] = [];
      const sent = await log.roundTripsDuring(() =>
        transactions.run(async (_manager, scope) => {
          await scope.defer(INSERT, ['together-1', 'one']);
          answers = await scope.queryAll([
            ["SELECT name FROM directories WHERE id = 'together-1'", []],
            ['SELECT COUNT(*) AS n FROM directories WHERE id LIKE ?', ['together-%']],
          ]);
        }),
      );
      assert.deepEqual(answers[0], [{ name: 'one' }]);
      assert.equal(Number((answers[1][0] as { n: unknown }).n), 1);
      if (kind === 'mysql') assert.equal(sent.length, 2, sent.join('\n---\n'));
    });

    it('when a write needs its answer after deferred ones, then it gets its own affected rows', async () => {
      let affected = -1;
      await transactions.run(async (manager, scope) => {
        await scope.defer(INSERT, ['count-1', 'a']);
        await scope.defer(INSERT, ['count-2', 'b']);
        const result = await manager.queryRunner!.query("UPDATE directories SET name = 'c' WHERE id LIKE 'count-%'", [], true);
        affected = result.affected ?? -1;
      });
      assert.equal(affected, 2);
      assert.deepEqual(await names('count-'), ['c', 'c']);
    });

    it('when deferred writes ask for their counts, then each hears its own before the commit\'s effects run (on MySQL with the COMMIT)', async () => {
      await transactions.run((_manager, scope) => scope.defer(INSERT, ['heard-1', 'old']));
      const heard: Array<[string, number]> = [];
      const sent = await log.roundTripsDuring(() =>
        transactions.run(async (_manager, scope) => {
          scope.afterCommit(() => heard.push(['committed', heard.length]));
          await scope.defer(INSERT.replace('INSERT', insertIgnore(db.dataSource.options.type)), ['heard-1', 'clash'], (rows) => heard.push(['ignored', rows]));
          await scope.defer("UPDATE directories SET name = 'new' WHERE id LIKE 'heard-%'", [], (rows) => heard.push(['updated', rows]));
          await scope.defer(INSERT, ['heard-2', 'two'], (rows) => heard.push(['inserted', rows]));
        }),
      );
      assert.deepEqual(heard, [['ignored', 0], ['updated', 1], ['inserted', 1], ['committed', 3]]);
      assert.deepEqual(await names('heard-'), ['new', 'two']);
      if (kind === 'mysql') assert.equal(sent.length, 1, sent.join('\n---\n'));
    });
  });
}
