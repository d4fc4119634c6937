import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createScratchDatabase, databaseKinds, ScratchDatabase } from '../support/databases';
import { databaseUrl, start, Started, stop } from '../support/process';
import { graphql } from '../support/server';
import { withDatabase } from '../support/raw-database';

const ADMIN = 'lease-test-admin-token-0123456789abcdef0123';
/**
 * Enough users for several commits (SQLite commits four batches of 500 together): the second
 * node's request, waiting for SQLite's write lock, gets it between two commits of the run.
 */
const USERS = 8000;
const RUN = `mutation ($id: ID!, $wait: Boolean) { runSync(connectorId: $id, wait: $wait) { id status usersCreated } }`;

/** Bulk-creates users through SCIM, 500 per request. */
async function provision(baseUrl: string, token: string, count: number): Promise<void> {
  for (let offset = 0; offset < count; offset += 500) {
    const operations = Array.from({ length: Math.min(500, count - offset) }, (_, index) => ({
      method: 'POST',
      bulkId: `u${offset + index}`,
      path: '/Users',
      data: { userName: `lease.${offset + index}@contoso.example` },
    }));
    const response = await fetch(`${baseUrl}/Bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations }),
    });
    assert.equal(response.status, 200);
  }
}

for (const kind of databaseKinds()) {
  describe(`the full-sync lease, two server processes on one ${kind} database`, () => {
    let scratch: ScratchDatabase;
    let nodes: Started[] = [];
    before(async () => {
      scratch = await createScratchDatabase(kind);
      const env = { DATABASE_URL: databaseUrl(scratch.config), ADMIN_TOKEN: ADMIN };
      nodes.push(await start(env));
      nodes.push(await start(env));
    });
    after(async () => {
      for (const node of nodes) await stop(node, 'SIGTERM');
      nodes = [];
      await scratch.drop();
    });

    it('when both nodes are asked to run one connector’s full sync at once, then the runs never overlap and each user is created once', async () => {
      const created = await graphql(nodes[0].url, ADMIN, 'mutation { createConnector(input: { name: "lease" }) { connector { id scimBaseUrl } token } }');
      const { connector, token } = created.data.createConnector;
      await provision(connector.scimBaseUrl, token, USERS);
      // SCIM writes keep the directory in step: take it away, so that the full sync has it all to do.
      await withDatabase(scratch, (query) => query('DELETE FROM users'));

      const answers = await Promise.all(nodes.map((node) => graphql(node.url, ADMIN, RUN, { id: connector.id, wait: true })));
      for (const answer of answers) assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const READ = 'query ($id: ID!) { syncRun(id: $id) { id status usersCreated errors startedAt log(first: 5) { edges { node { level message } } } } }';
      const runs = await Promise.all(answers.map((answer) => graphql(nodes[0].url, ADMIN, READ, { id: answer.data.runSync.id }).then((read) => read.data.syncRun)));
      const [first, second] = runs.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
      assert.deepEqual([first.status, first.usersCreated], ['SUCCEEDED', USERS], JSON.stringify(runs));
      // Mostly one run that both nodes answer. When the second node's request reached the database
      // only after that run had ended (SQLite makes it wait for its write lock), it ran a sync of
      // its own: had the two overlapped, it would have created users or met them as clashes.
      if (second.id !== first.id) assert.deepEqual([second.status, second.usersCreated, second.errors], ['SUCCEEDED', 0, 0], JSON.stringify(runs));
      const [{ users }] = await withDatabase(scratch, (query) => query('SELECT COUNT(*) AS users FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?', [connector.id])) as Array<{ users: number }>;
      assert.equal(Number(users), USERS);
    });
  });
}
