import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { graphql, GraphQLAnswer, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RUN = `mutation ($id: ID!, $dryRun: Boolean) {
  runSync(connectorId: $id, dryRun: $dryRun, wait: true) {
    kind status usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors diff
  }
}`;

for (const kind of databaseKinds()) {
  describe(`full sync on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const ids: Record<string, string> = {};
    const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
    const run = async (dryRun = false) => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connector.id, dryRun });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data.runSync;
    };
    /** The directory as the application sees it: userName → [active, disabledReason, groups]. */
    const directory = async () => {
      const users: Array<{ id: string; userName: string; active: unknown; disabledReason: string | null }> = await server.dataSource.query(
        'SELECT u.id, u.userName, u.active, u.disabledReason FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ? ORDER BY u.userName',
        [connector.id],
      );
      const result: Record<string, [boolean, string | null, string[]]> = {};
      for (const user of users) {
        const groups: Array<{ name: string }> = await server.dataSource.query(
          'SELECT g.name FROM memberships m JOIN `groups` g ON g.id = m.groupId WHERE m.userId = ? ORDER BY g.name',
          [user.id],
        );
        result[user.userName] = [Boolean(Number(user.active)), user.disabledReason, groups.map((group) => group.name)];
      }
      return result;
    };
    const member = (group: string, op: 'Add' | 'Remove', user: string) =>
      send('PATCH', `/Groups/${ids[group]}`, { schemas: [PATCH_OP], Operations: [{ op, path: 'members', value: [{ value: ids[user] }] }] });

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url, 'sync');
      for (const name of ['alice', 'bob', 'carol']) {
        const reply = await send('POST', '/Users', { userName: `${name}@contoso.example`, active: true, displayName: name, emails: [{ type: 'work', value: `${name}@contoso.example` }] });
        ids[name] = reply.json.id;
      }
      for (const name of ['jira-users', 'sales', 'confluence-users']) ids[name] = (await send('POST', '/Groups', { displayName: name })).json.id;
      await member('jira-users', 'Add', 'alice');
      await member('sales', 'Add', 'alice');
      await member('jira-users', 'Add', 'bob');
      await member('confluence-users', 'Add', 'carol');
      const policy = await graphql(
        server.url,
        TEST_ADMIN_TOKEN,
        'mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { alwaysAssign: ["everyone"], onlyAssign: ["jira-.*", "sales"], neverAssign: ["sales"], required: ["jira-.*"] }) { id } }',
        { id: connector.id },
      );
      assert.equal(policy.errors, undefined, JSON.stringify(policy.errors));
    });
    after(() => server.close());

    it('when a preview runs, then it counts the changes, shows samples and writes nothing', async () => {
      const preview = await run(true);
      assert.deepEqual(
        [preview.kind, preview.status, preview.usersCreated, preview.membershipsAdded, preview.errors],
        ['PREVIEW', 'SUCCEEDED', 2, 4, 0],
      );
      assert.deepEqual(preview.diff.created.sort(), ['alice@contoso.example', 'bob@contoso.example']);
      assert.ok(preview.diff.membershipsAdded.includes('alice@contoso.example → everyone'));
      assert.deepEqual(await directory(), {});
    });

    it('when a full sync runs, then the directory follows the policy; run again, it changes nothing', async () => {
      const first = await run();
      assert.deepEqual([first.kind, first.status, first.usersCreated, first.membershipsAdded], ['FULL', 'SUCCEEDED', 2, 4]);
      assert.deepEqual(await directory(), {
        'alice@contoso.example': [true, null, ['everyone', 'jira-users']],
        'bob@contoso.example': [true, null, ['everyone', 'jira-users']],
      });
      const second = await run();
      assert.deepEqual(
        [second.usersCreated, second.usersUpdated, second.usersDisabled, second.usersEnabled, second.membershipsAdded, second.membershipsRemoved],
        [0, 0, 0, 0, 0, 0],
      );
    });

    it('when a user leaves every required group, then cleanup disables it; back in one, then it is enabled again', async () => {
      await member('jira-users', 'Remove', 'bob');
      const leaving = await run();
      assert.equal(leaving.usersDisabled, 1);
      assert.deepEqual((await directory())['bob@contoso.example'], [false, 'CLEANUP', ['everyone', 'jira-users']]);
      await member('jira-users', 'Add', 'bob');
      const back = await run();
      assert.equal(back.usersEnabled, 1);
      assert.deepEqual((await directory())['bob@contoso.example'], [true, null, ['everyone', 'jira-users']]);
    });

    it('when a membership is added by hand, then the next sync removes it, and always assign puts back what was taken', async () => {
      const [alice] = await server.dataSource.query('SELECT id FROM users WHERE idpUserId = ?', [ids.alice]);
      await server.dataSource.query("DELETE FROM memberships WHERE userId = ? AND groupId = (SELECT id FROM `groups` WHERE nameKey = 'everyone')", [alice.id]);
      const local = { id: '00000000-0000-0000-0000-00000000beef' };
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await server.dataSource.query('INSERT INTO `groups` (id, name, nameKey, origin, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)', [local.id, 'wiki', 'wiki', 'LOCAL', now, now]);
      await server.dataSource.query('INSERT INTO memberships (userId, groupId, managedBy, createdAt) VALUES (?, ?, ?, ?)', [alice.id, local.id, 'LOCAL', now]);
      const result = await run();
      assert.deepEqual([result.membershipsAdded, result.membershipsRemoved], [1, 1]);
      assert.deepEqual((await directory())['alice@contoso.example'], [true, null, ['everyone', 'jira-users']]);
    });

    it('when the IdP deletes a user, then the next sync disables it', async () => {
      assert.equal((await send('DELETE', `/Users/${ids.alice}`)).status, 204);
      const result = await run();
      assert.equal(result.usersDisabled, 1);
      assert.deepEqual((await directory())['alice@contoso.example'].slice(0, 2), [false, 'CLEANUP']);
    });

    it('when the runs are listed page by page, then they come newest first, each once, with their log', async () => {
      const LIST = `query ($id: ID!, $after: String) {
        connector(id: $id) { syncRuns(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind startedAt log(first: 1) { totalCount edges { node { level message } } } } } } }
      }`;
      const seen: Array<{ id: string; startedAt: string }> = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 10; page += 1) {
        const answer: GraphQLAnswer = await graphql(server.url, TEST_ADMIN_TOKEN, LIST, { id: connector.id, after });
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        const runs = answer.data.connector.syncRuns;
        total = runs.totalCount;
        for (const edge of runs.edges) {
          seen.push(edge.node);
          assert.equal(edge.node.log.totalCount, 1);
          assert.match(edge.node.log.edges[0].node.message, /^users (would have|have been) created/);
        }
        if (!runs.pageInfo.hasNextPage) break;
        after = runs.pageInfo.endCursor;
      }
      assert.ok(total >= 7, `the runs so far: ${total}`);
      assert.equal(seen.length, total);
      assert.equal(new Set(seen.map((run) => run.id)).size, total);
      const times = seen.map((run) => Date.parse(run.startedAt));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      const bad = await graphql(server.url, TEST_ADMIN_TOKEN, LIST, { id: connector.id, after: 'not-a-cursor' });
      assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    });

    it('when the IdP says a user is inactive, then the sync disables it with the IdP as the reason', async () => {
      await send('PATCH', `/Users/${ids.bob}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Replace', path: 'displayName', value: 'Robert' },
        ],
      });
      const preview = await run(true);
      assert.deepEqual([preview.usersDisabled, preview.diff.disabled], [1, ['bob@contoso.example']]);
      await run();
      assert.deepEqual((await directory())['bob@contoso.example'].slice(0, 2), [false, 'IDP']);
    });
  });

  describe(`full sync of users whose mapped userNames clash, on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('when two IdP users map to one userName, then one is created, the other reported, and the rest of the batch is written', async () => {
      const connector = await createConnector(server.url, 'clash');
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const ids: Record<string, string> = {};
      for (const userName of ['dana@contoso.example', 'dana@fabrikam.example', 'erin@contoso.example']) {
        ids[userName] = (await send('POST', '/Users', { userName, active: true })).json.id;
      }
      await send('POST', '/Groups', { displayName: 'staff', members: Object.values(ids).map((value) => ({ value })) });
      const mappings = await graphql(
        server.url,
        TEST_ADMIN_TOKEN,
        'mutation ($id: ID!) { setAttributeMappings(connectorId: $id, mappings: [{ target: USER_NAME, source: "{userName}", transformations: [{ fn: "stripDomain" }] }]) { id } }',
        { id: connector.id },
      );
      assert.equal(mappings.errors, undefined, JSON.stringify(mappings.errors));
      const run = async () => {
        const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connector.id, dryRun: false });
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        return answer.data.runSync;
      };

      const first = await run();
      assert.deepEqual([first.status, first.usersCreated, first.membershipsAdded, first.errors], ['PARTIALLY_FAILED', 2, 2, 1]);
      const users: Array<{ userName: string; groups: number }> = await server.dataSource.query(
        'SELECT u.userName, (SELECT COUNT(*) FROM memberships m WHERE m.userId = u.id) AS `groups` FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ? ORDER BY u.userName',
        [connector.id],
      );
      assert.deepEqual(users.map((user) => [user.userName, Number(user.groups)]), [['dana', 1], ['erin', 1]]);
      const again = await run();
      assert.deepEqual([again.status, again.usersCreated, again.membershipsAdded, again.errors], ['PARTIALLY_FAILED', 0, 0, 1]);
    });
  });
}
