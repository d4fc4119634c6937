import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LOCAL_DIRECTORY_ID } from '../../src/db/entities/directory.entity';
import { AuditEventEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const UPDATE = `mutation ($id: ID!, $input: UpdateConnectorInput!) {
  updateConnector(id: $id, input: $input) { id name enabled cleanupAction logFreeMemory directoryId copyBehaviour { enabled sourceDirectoryIds memberships lastLogin properties } }
}`;
const RUN = `mutation ($id: ID!) { runSync(connectorId: $id, wait: true) { status usersCreated usersDeleted usersDisabled memory } }`;

for (const kind of databaseKinds()) {
  describe(`connector settings on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    const update = (id: string, input: Record<string, unknown>) => graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input });

    it('when settings are changed, then they read back, the rest stays, and the change is audited', async () => {
      const { id } = await createConnector(server.url, 'settings');
      const other = await createConnector(server.url, 'source');
      const otherDirectory = (await update(other.id, {})).data.updateConnector.directoryId;
      const copyBehaviour = { enabled: true, sourceDirectoryIds: [LOCAL_DIRECTORY_ID, otherDirectory], memberships: true, lastLogin: false, properties: true };
      const answer = await update(id, { name: 'Renamed', cleanupAction: 'DELETE', logFreeMemory: true, copyBehaviour });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const connector = answer.data.updateConnector;
      assert.deepEqual([connector.name, connector.enabled, connector.cleanupAction, connector.logFreeMemory], ['Renamed', true, 'DELETE', true]);
      assert.deepEqual(connector.copyBehaviour, copyBehaviour);
      const event = await server.dataSource.getRepository(AuditEventEntity).findOneByOrFail({ targetId: id, action: 'connector.update' });
      assert.deepEqual([event.before?.cleanupAction, event.after?.cleanupAction], ['DISABLE', 'DELETE']);
    });

    for (const [problem, sources, message] of [
      ['an unknown source directory', ['00000000-0000-0000-0000-00000000dead'], /no directory with id/],
      ['its own directory', ['OWN'], /its own directory/],
      ['a source named twice', [LOCAL_DIRECTORY_ID, LOCAL_DIRECTORY_ID], /named twice/],
    ] as const) {
      it(`when copy behaviour names ${problem}, then BAD_USER_INPUT and nothing changes`, async () => {
        const { id } = await createConnector(server.url);
        const own = (await update(id, {})).data.updateConnector.directoryId;
        const sourceDirectoryIds = sources.map((source) => (source === 'OWN' ? own : source));
        const answer = await update(id, { name: 'not saved', copyBehaviour: { enabled: true, sourceDirectoryIds, memberships: true, lastLogin: true, properties: true } });
        assert.equal(answer.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
        assert.match(answer.errors![0].message, message);
        assert.notEqual((await update(id, {})).data.updateConnector.name, 'not saved');
      });
    }

    it('when a connector is disabled, then its SCIM token is refused at once', async () => {
      const connector = await createConnector(server.url);
      assert.equal((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 200);
      await update(connector.id, { enabled: false });
      assert.equal((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 403);
    });

    for (const [action, expected] of [
      ['DELETE', { usersDeleted: 1, usersDisabled: 0, remaining: 0 }],
      ['KEEP', { usersDeleted: 0, usersDisabled: 0, remaining: 1 }],
    ] as const) {
      it(`when the cleanup action is ${action} and the IdP deletes a user, then the directory ${action === 'DELETE' ? 'deletes it' : 'keeps it'}`, async () => {
        const connector = await createConnector(server.url, `cleanup-${action}`);
        const user = await scim(connector.baseUrl, connector.token, 'POST', '/Users', { userName: `leaver-${action}@contoso.example` });
        await update(connector.id, { cleanupAction: action, logFreeMemory: true });
        await fullSyncsSettled(server, connector.id);
        await scim(connector.baseUrl, connector.token, 'DELETE', `/Users/${user.json.id}`);
        await server.services.syncCycles.flush();
        const [cycle] = await server.dataSource.query("SELECT usersCreated, usersDeleted, usersDisabled FROM sync_runs WHERE connectorId = ? AND kind = 'INCREMENTAL'", [connector.id]);
        assert.deepEqual([cycle.usersCreated, cycle.usersDeleted, cycle.usersDisabled].map(Number), [1, expected.usersDeleted, expected.usersDisabled]);
        const run = (await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connector.id })).data.runSync;
        assert.ok(run.memory.start.rss > 0 && run.memory.end.heapUsed > 0 && run.memory.peak.freeSystem > 0, JSON.stringify(run.memory));
        const rows = await server.dataSource.query('SELECT u.active FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?', [connector.id]);
        assert.equal(rows.length, expected.remaining);
        if (action === 'KEEP') assert.equal(Boolean(Number(rows[0].active)), true);
      });
    }
  });
}

for (const kind of databaseKinds()) {
  describe(`attribute mappings in a full sync on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('when mappings are set, then the directory users carry the mapped values, and a dropped user is not created', async () => {
      const connector = await createConnector(server.url, 'mapped');
      const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
      const mappings = [
        { target: 'USER_NAME', source: '{userName}', transformations: [{ fn: 'stripDomain' }, { fn: 'lowercase' }] },
        { target: 'DISPLAY_NAME', source: '{name.familyName}, {name.givenName}' },
        {
          target: 'PROPERTY',
          property: 'costCenter',
          source: `{${enterprise}:department}`,
          transformations: [{ fn: 'map', args: { table: { retail: 'R-100' } } }],
          onNoMatch: 'DROP_USER',
        },
      ];
      const set = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!, $m: [AttributeMappingInput!]!) { setAttributeMappings(connectorId: $id, mappings: $m) { id } }', {
        id: connector.id,
        m: mappings,
      });
      assert.equal(set.errors, undefined, JSON.stringify(set.errors));
      await fullSyncsSettled(server, connector.id);
      await scim(connector.baseUrl, connector.token, 'POST', '/Users', {
        userName: 'Adele.Vance@Contoso.example',
        name: { givenName: 'Adele', familyName: 'Vance' },
        [enterprise]: { department: 'Retail' },
      });
      await scim(connector.baseUrl, connector.token, 'POST', '/Users', { userName: 'no.department@contoso.example' });
      const rows = await server.dataSource.query(
        'SELECT u.userName, u.displayName, u.properties FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?',
        [connector.id],
      );
      assert.equal(rows.length, 1);
      const properties = typeof rows[0].properties === 'string' ? JSON.parse(rows[0].properties) : rows[0].properties;
      assert.deepEqual([rows[0].userName, rows[0].displayName, properties], ['adele.vance', 'Vance, Adele', { costCenter: 'R-100' }]);
    });
  });
}
