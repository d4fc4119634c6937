import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createScratchDatabase, databaseKinds, ScratchDatabase } from '../support/databases';
import { databaseUrl, start, Started, stop } from '../support/process';
import { graphql } from '../support/server';
import { withDatabase } from '../support/raw-database';

const ADMIN = 'lease-test-admin-token-0123456789abcdef0123';
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

    it('when both nodes are asked to run one connector’s full sync at once, then one run happens and both answer it', async () => {
      const created = await graphql(nodes[0].url, ADMIN, 'mutation { createConnector(input: { name: "lease" }) { connector { id scimBaseUrl } token } }');
      const { connector, token } = created.data.createConnector;
      await provision(connector.scimBaseUrl, token, 2000);
      // SCIM writes keep the directory in step: take it away, so that the full sync has it all to do.
      await withDatabase(scratch, (query) => query('DELETE FROM users'));

      const answers = await Promise.all(nodes.map((node) => graphql(node.url, ADMIN, RUN, { id: connector.id, wait: false })));
      for (const answer of answers) assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.equal(answers[0].data.runSync.id, answers[1].data.runSync.id, 'both nodes answer the same run');

      const waited = await graphql(nodes[1].url, ADMIN, RUN, { id: connector.id, wait: true });
      const runs = await graphql(nodes[0].url, ADMIN, 'query ($id: ID!) { syncRun(id: $id) { status usersCreated } }', { id: answers[0].data.runSync.id });
      assert.deepEqual(runs.data.syncRun, { status: 'SUCCEEDED', usersCreated: 2000 });
      // The run after it found every user in place: the first one wrote each once.
      assert.equal(waited.data.runSync.usersCreated, waited.data.runSync.id === answers[0].data.runSync.id ? 2000 : 0);
    });
  });
}
