import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { newId } from '../../src/db/columns';
import { createDataSource } from '../../src/db/data-source';
import { sqlTime } from '../../src/db/sql';
import { SYNC_BATCH } from '../../src/domain/sync/directory-sync.service';
import { createScratchDatabase, databaseKinds, ScratchDatabase } from '../support/databases';
import { databaseUrl, start, Started, stop } from '../support/process';
import { createConnector, scim } from '../support/scim-client';
import { graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const ADMIN = 'interrupted-test-admin-token-0123456789abcdef';
const RUN = `mutation ($id: ID!, $wait: Boolean) { runSync(connectorId: $id, wait: $wait) { id status usersCreated } }`;
const READ = `query ($id: ID!) { syncRun(id: $id) { status usersCreated finishedAt log(first: 20) { edges { node { level message } } } } }`;
/** Enough users for several commits (SQLite commits four batches together), so that a kill after the first leaves work undone. */
const USERS = 16 * SYNC_BATCH;
const GROUPS = 5;

/** Creates USERS users through SCIM Bulk, and GROUPS groups: user i is a member of group i % GROUPS. */
async function provision(baseUrl: string, token: string): Promise<void> {
  const ids: string[] = [];
  for (let offset = 0; offset < USERS; offset += 1000) {
    const operations = Array.from({ length: Math.min(1000, USERS - offset) }, (_, index) => ({
      method: 'POST',
      bulkId: `u${offset + index}`,
      path: '/Users',
      data: { userName: `killed.${String(offset + index).padStart(5, '0')}@contoso.example` },
    }));
    const reply = await scim(baseUrl, token, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    assert.equal(reply.status, 200);
    for (const result of reply.json.Operations) {
      assert.equal(result.status, '201', JSON.stringify(result));
      ids.push(result.location.split('/').pop());
    }
  }
  for (let group = 0; group < GROUPS; group += 1) {
    const members = ids.filter((_, index) => index % GROUPS === group).map((value) => ({ value }));
    const reply = await scim(baseUrl, token, 'POST', '/Groups', { displayName: `team-${group}`, members });
    assert.equal(reply.status, 201, reply.text);
  }
}

/** Opens the test's database from this process, for a look the server's answers would not give. */
async function inspect<T>(scratch: ScratchDatabase, look: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await createDataSource(scratch.config);
  await dataSource.initialize();
  try {
    return await look(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

for (const kind of databaseKinds()) {
  describe(`a full sync killed midway, on a ${kind} database`, () => {
    let scratch: ScratchDatabase;
    let node: Started | null = null;
    before(async () => {
      scratch = await createScratchDatabase(kind);
    });
    after(async () => {
      if (node) await stop(node, 'SIGTERM');
      await scratch.drop();
    });

    it('when the node is killed after a batch and restarted, then a new full sync completes the directory and the killed run ends FAILED', async () => {
      // A lease shorter than the default, so that the dead node's hold runs out soon, yet well above
      // the time a batch takes on a busy machine: a run whose lease runs out stops.
      const env = { DATABASE_URL: databaseUrl(scratch.config), ADMIN_TOKEN: ADMIN, SYNC_LEASE_SECONDS: '10' };
      node = await start(env);
      const created = await graphql(node.url, ADMIN, 'mutation { createConnector(input: { name: "killed" }) { connector { id scimBaseUrl } token } }');
      const { connector, token } = created.data.createConnector;
      const policy = await graphql(node.url, ADMIN, 'mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { alwaysAssign: ["everyone"] }) { id } }', {
        id: connector.id,
      });
      assert.equal(policy.errors, undefined, JSON.stringify(policy.errors));
      await provision(connector.scimBaseUrl, token);
      // SCIM writes kept the directory in step: take it away, so that the full sync has it all to do.
      await inspect(scratch, (dataSource) => dataSource.query('DELETE FROM users WHERE directoryId = (SELECT directoryId FROM connectors WHERE id = ?)', [connector.id]));

      const started = await graphql(node.url, ADMIN, RUN, { id: connector.id, wait: false });
      const killedId: string = started.data.runSync.id;
      for (;;) {
        const progress: { status: string; usersCreated: number } = (await graphql(node.url, ADMIN, READ, { id: killedId })).data.syncRun;
        assert.equal(progress.status, 'RUNNING', 'the run must still be going when the node is killed');
        if (progress.usersCreated >= SYNC_BATCH) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await stop(node, 'SIGKILL');
      node = null;

      const afterKill = await inspect(scratch, async (dataSource) => {
        const [{ users }] = await dataSource.query('SELECT COUNT(*) AS users FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?', [connector.id]);
        const [{ memberships }] = await dataSource.query(
          'SELECT COUNT(*) AS memberships FROM memberships m JOIN users u ON u.id = m.userId JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?',
          [connector.id],
        );
        const [run] = await dataSource.query('SELECT status FROM sync_runs WHERE id = ?', [killedId]);
        return { users: Number(users), memberships: Number(memberships), status: run.status };
      });
      assert.equal(afterKill.status, 'RUNNING', 'the dead node could not end its run');
      assert.ok(afterKill.users >= SYNC_BATCH && afterKill.users < USERS, `the kill came midway: ${afterKill.users} of ${USERS} users were written`);
      // Each batch is one transaction: whole batches were written, each user with all its memberships.
      assert.equal(afterKill.users % SYNC_BATCH, 0);
      assert.equal(afterKill.memberships, 2 * afterKill.users);

      node = await start(env);
      // Until the dead node's lease runs out, runSync joins its run, and answers it once it is found interrupted.
      let completing = (await graphql(node.url, ADMIN, RUN, { id: connector.id, wait: true })).data.runSync;
      if (completing.id === killedId) {
        assert.equal(completing.status, 'FAILED');
        completing = (await graphql(node.url, ADMIN, RUN, { id: connector.id, wait: true })).data.runSync;
      }
      assert.notEqual(completing.id, killedId);
      assert.deepEqual([completing.status, completing.usersCreated], ['SUCCEEDED', USERS - afterKill.users], JSON.stringify((await graphql(node.url, ADMIN, READ, { id: completing.id })).data));

      const killed = (await graphql(node.url, ADMIN, READ, { id: killedId })).data.syncRun;
      assert.equal(killed.status, 'FAILED');
      assert.ok(killed.finishedAt);
      assert.ok(
        killed.log.edges.some((edge: { node: { level: string; message: string } }) => edge.node.level === 'ERROR' && /interrupted/.test(edge.node.message)),
        JSON.stringify(killed.log),
      );

      const directory = await inspect(scratch, async (dataSource) => {
        const [{ missing }] = await dataSource.query(
          'SELECT COUNT(*) AS missing FROM idp_users i LEFT JOIN users u ON u.idpUserId = i.id WHERE i.connectorId = ? AND u.id IS NULL',
          [connector.id],
        );
        const users: Array<{ userNameKey: string }> = await dataSource.query(
          'SELECT u.userNameKey FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ? ORDER BY u.userNameKey',
          [connector.id],
        );
        const memberships: Array<{ userNameKey: string; name: string; managedBy: string }> = await dataSource.query(
          `SELECT u.userNameKey, g.name, m.managedBy FROM memberships m JOIN users u ON u.id = m.userId JOIN \`groups\` g ON g.id = m.groupId
           JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ? ORDER BY u.userNameKey, g.name`,
          [connector.id],
        );
        return { missing: Number(missing), users: users.map((user) => user.userNameKey), memberships: memberships.map((row) => `${row.userNameKey} ${row.name} ${row.managedBy}`) };
      });
      const names = Array.from({ length: USERS }, (_, index) => `killed.${String(index).padStart(5, '0')}@contoso.example`);
      assert.equal(directory.missing, 0);
      assert.deepEqual(directory.users, names, 'every IdP user has one directory user, and no other is there');
      assert.deepEqual(
        directory.memberships,
        names.flatMap((name, index) => [`${name} everyone POLICY`, `${name} team-${index % GROUPS} IDP`]),
        'memberships as reconciliation decides: the IdP’s group and the always-assign group',
      );
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`runs whose node stopped, on ${kind}`, () => {
    let server: TestServer;
    let connectorId: string;
    before(async () => {
      server = await startTestServer(kind);
      connectorId = (await createConnector(server.url, 'stopped')).id;
    });
    after(() => server.close());

    /** A run row left RUNNING, as a node that died would leave it; a full sync also keeps the connector's lease. */
    const leftRunning = async (kindOfRun: 'FULL' | 'PREVIEW', leaseUntil: Date, lastActivityAt = new Date()) => {
      const id = newId();
      await server.dataSource.query(
        `INSERT INTO sync_runs (id, connectorId, kind, status, startedAt, finishedAt, lastActivityAt, usersCreated, usersUpdated, usersDisabled, usersEnabled, usersDeleted, membershipsAdded, membershipsRemoved, errors, memory, diff)
         VALUES (?, ?, ?, 'RUNNING', ?, NULL, ?, 500, 0, 0, 0, 0, 0, 0, 0, NULL, NULL)`,
        [id, connectorId, kindOfRun, sqlTime(lastActivityAt), sqlTime(lastActivityAt)],
      );
      if (kindOfRun === 'FULL') await server.dataSource.query('UPDATE connectors SET syncLeaseOwner = ?, syncLeaseUntil = ? WHERE id = ?', [id, sqlTime(leaseUntil), connectorId]);
      return id;
    };
    const statusOf = async (id: string) => (await server.dataSource.query('SELECT status FROM sync_runs WHERE id = ?', [id]))[0].status;
    const read = async (id: string) => (await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id })).data.syncRun;

    it('when a full sync’s lease is still live, then reading it leaves it RUNNING', async () => {
      const id = await leftRunning('FULL', new Date(Date.now() + 60_000));
      assert.equal((await read(id)).status, 'RUNNING');
      await server.dataSource.query('UPDATE connectors SET syncLeaseOwner = NULL, syncLeaseUntil = NULL WHERE id = ?', [connectorId]);
    });

    it('when a full sync’s lease ran out, then reading it marks it FAILED with a log line saying it was interrupted', async () => {
      const id = await leftRunning('FULL', new Date(Date.now() - 1000));
      const run = await read(id);
      assert.deepEqual([run.status, run.usersCreated], ['FAILED', 500]);
      assert.match(run.log.edges.at(-1).node.message, /interrupted/);
    });

    it('when a new full sync takes over a lease that ran out, then the run that held it is marked FAILED', async () => {
      const id = await leftRunning('FULL', new Date(Date.now() - 1000));
      const next = (await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connectorId, wait: true })).data.runSync;
      assert.notEqual(next.id, id);
      assert.equal(next.status, 'SUCCEEDED');
      // Read from the database: reading through GraphQL would settle it too.
      assert.equal(await statusOf(id), 'FAILED');
      const [{ count }] = await server.dataSource.query("SELECT COUNT(*) AS count FROM sync_log_entries WHERE syncRunId = ? AND message LIKE '%interrupted%'", [id]);
      assert.equal(Number(count), 1);
    });

    it('when a preview has recorded nothing for a lease’s length, then reading it marks it FAILED', async () => {
      const stale = await leftRunning('PREVIEW', new Date(), new Date(Date.now() - 61_000));
      const fresh = await leftRunning('PREVIEW', new Date());
      assert.equal((await read(stale)).status, 'FAILED');
      assert.equal((await read(fresh)).status, 'RUNNING');
    });
  });
}
