import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, GraphQLAnswer, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const COUNTS = 'kind status usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors';
const RUN = `mutation ($id: ID!, $dryRun: Boolean) { runSync(connectorId: $id, dryRun: $dryRun, wait: true) { ${COUNTS} diff } }`;
const RUNS = `query ($id: ID!) { connector(id: $id) { syncRuns(first: 50) { edges { node { id ${COUNTS} } } } } }`;
const POLICY = `mutation ($id: ID!, $input: GroupPolicyInput!) { updateGroupPolicy(connectorId: $id, input: $input) { id } }`;

for (const kind of databaseKinds()) {
  describe(`the directory following the IdP on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const ids: Record<string, string> = {};
    const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
    const run = async (dryRun = false) => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connector.id, dryRun });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data.runSync;
    };
    const runs = async (): Promise<Array<Record<string, any>>> => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUNS, { id: connector.id });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data.connector.syncRuns.edges.map((edge: { node: unknown }) => edge.node);
    };
    const settled = () => fullSyncsSettled(server, connector.id);
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
        result[user.userName.split('@')[0]] = [Boolean(Number(user.active)), user.disabledReason, groups.map((group) => group.name)];
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
    });
    after(() => server.close());

    it('when SCIM writes, then the directory follows before each answer, and the traffic is counted as an incremental run', async () => {
      assert.deepEqual(await directory(), {
        alice: [true, null, ['jira-users', 'sales']],
        bob: [true, null, ['jira-users']],
        carol: [true, null, ['confluence-users']],
      });
      await server.services.syncCycles.flush();
      const cycles = (await runs()).filter((entry) => entry.kind === 'INCREMENTAL');
      assert.deepEqual(
        cycles.map((cycle) => [cycle.status, cycle.usersCreated, cycle.membershipsAdded]),
        [['RUNNING', 3, 4]],
      );
    });

    it('when the group policy changes, then a full sync applies it', async () => {
      const changed = await graphql(server.url, TEST_ADMIN_TOKEN, POLICY, {
        id: connector.id,
        input: { alwaysAssign: ['everyone'], onlyAssign: ['jira-.*', 'sales'], neverAssign: ['sales'], required: ['jira-.*'] },
      });
      assert.equal(changed.errors, undefined, JSON.stringify(changed.errors));
      await settled();
      const [full] = (await runs()).filter((entry) => entry.kind === 'FULL');
      assert.deepEqual(
        [full.status, full.usersCreated, full.usersDisabled, full.membershipsAdded, full.membershipsRemoved],
        ['SUCCEEDED', 0, 1, 2, 1],
      );
      assert.deepEqual(await directory(), {
        alice: [true, null, ['everyone', 'jira-users']],
        bob: [true, null, ['everyone', 'jira-users']],
        // Cleanup leaves the memberships of a user it disables, for when the user comes back.
        carol: [false, 'CLEANUP', ['confluence-users']],
      });
    });

    it('when a preview runs, then it counts the drift, shows samples and writes nothing; the full sync then mends it', async () => {
      await server.dataSource.query("DELETE FROM memberships WHERE userId = (SELECT id FROM users WHERE userNameKey = 'bob@contoso.example') AND groupId = (SELECT id FROM `groups` WHERE nameKey = 'everyone')");
      const preview = await run(true);
      assert.deepEqual([preview.kind, preview.status, preview.membershipsAdded, preview.usersCreated, preview.errors], ['PREVIEW', 'SUCCEEDED', 1, 0, 0]);
      assert.deepEqual(preview.diff.membershipsAdded, ['bob@contoso.example → everyone']);
      assert.deepEqual((await directory()).bob, [true, null, ['jira-users']]);
      const mended = await run();
      assert.deepEqual([mended.kind, mended.membershipsAdded], ['FULL', 1]);
      const again = await run();
      assert.deepEqual(
        [again.usersCreated, again.usersUpdated, again.usersDisabled, again.usersEnabled, again.membershipsAdded, again.membershipsRemoved],
        [0, 0, 0, 0, 0, 0],
      );
    });

    it('when a user leaves every required group, then cleanup disables it at once; back in one, then it is enabled again', async () => {
      await member('jira-users', 'Remove', 'bob');
      assert.deepEqual((await directory()).bob, [false, 'CLEANUP', ['everyone', 'jira-users']]);
      await member('jira-users', 'Add', 'bob');
      assert.deepEqual((await directory()).bob, [true, null, ['everyone', 'jira-users']]);
    });

    it('when a group the policy ignores changes, then the directory is not touched', async () => {
      const before = await directory();
      await member('confluence-users', 'Add', 'alice');
      assert.deepEqual(await directory(), before);
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
      assert.deepEqual((await directory()).alice, [true, null, ['everyone', 'jira-users']]);
    });

    it('when the IdP says a user is inactive, then it is disabled at once with the IdP as the reason', async () => {
      await send('PATCH', `/Users/${ids.bob}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Replace', path: 'displayName', value: 'Robert' },
        ],
      });
      assert.deepEqual((await directory()).bob.slice(0, 2), [false, 'IDP']);
      const preview = await run(true);
      assert.deepEqual([preview.usersDisabled, preview.usersUpdated], [0, 0]);
    });

    it('when the IdP deletes a user, then it is disabled at once', async () => {
      assert.equal((await send('DELETE', `/Users/${ids.alice}`)).status, 204);
      assert.deepEqual((await directory()).alice.slice(0, 2), [false, 'CLEANUP']);
    });

    it('when a full sync was due but could not start, then the next look for due connectors starts it', async () => {
      // Another node holds the lease (as a node that died mid-sync would) while the settings change.
      const until = new Date(Date.now() + 60_000).toISOString().replace('T', ' ').replace('Z', '');
      await server.dataSource.query("UPDATE connectors SET syncLeaseOwner = 'gone', syncLeaseUntil = ? WHERE id = ?", [until, connector.id]);
      const changed = await graphql(server.url, TEST_ADMIN_TOKEN, POLICY, { id: connector.id, input: { neverRemove: ['confluence-.*'] } });
      assert.equal(changed.errors, undefined, JSON.stringify(changed.errors));
      await server.services.syncRuns.startDue();
      const [state] = await server.dataSource.query('SELECT settingsVersion, syncedSettingsVersion FROM connectors WHERE id = ?', [connector.id]);
      assert.ok(Number(state.syncedSettingsVersion) < Number(state.settingsVersion), 'not while the lease is taken');
      await server.dataSource.query('UPDATE connectors SET syncLeaseOwner = NULL, syncLeaseUntil = NULL WHERE id = ?', [connector.id]);
      await server.services.syncRuns.startDue();
      await settled();
    });

    it('when the runs are listed page by page, then they come newest first, each once, ended ones with their summary', async () => {
      const LIST = `query ($id: ID!, $after: String) {
        connector(id: $id) { syncRuns(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind status startedAt log(first: 1) { totalCount edges { node { level message } } } } } } }
      }`;
      const seen: Array<{ id: string; startedAt: string }> = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 10; page += 1) {
        const answer: GraphQLAnswer = await graphql(server.url, TEST_ADMIN_TOKEN, LIST, { id: connector.id, after });
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        const page = answer.data.connector.syncRuns;
        total = page.totalCount;
        for (const edge of page.edges) {
          seen.push(edge.node);
          if (edge.node.status === 'RUNNING') continue;
          assert.equal(edge.node.log.totalCount, 1);
          assert.match(edge.node.log.edges[0].node.message, /^users (would have|have been) created/);
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      assert.ok(total >= 7, `the runs so far: ${total}`);
      assert.equal(seen.length, total);
      assert.equal(new Set(seen.map((entry) => entry.id)).size, total);
      const times = seen.map((entry) => Date.parse(entry.startedAt));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      const bad = await graphql(server.url, TEST_ADMIN_TOKEN, LIST, { id: connector.id, after: 'not-a-cursor' });
      assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    });
  });

  describe(`incremental cycles on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { cycleGapMs: 300 });
    });
    after(() => server.close());

    it('when SCIM traffic pauses longer than the gap, then its cycle ends with a summary and the next traffic opens another', async () => {
      const connector = await createConnector(server.url, 'cycles');
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const memory = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!) { updateConnector(id: $id, input: { logFreeMemory: true }) { id } }', { id: connector.id });
      assert.equal(memory.errors, undefined, JSON.stringify(memory.errors));
      await send('POST', '/Users', { userName: 'first@contoso.example' });
      await send('POST', '/Users', { userName: 'second@contoso.example' });
      await server.services.syncCycles.flush();
      await sleep(400);
      await send('POST', '/Users', { userName: 'third@contoso.example' });
      await server.services.syncCycles.flush();
      const answer = await graphql(
        server.url,
        TEST_ADMIN_TOKEN,
        'query ($id: ID!) { connector(id: $id) { syncRuns(first: 10) { edges { node { kind status usersCreated finishedAt memory log(first: 5) { edges { node { message } } } } } } } }',
        { id: connector.id },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const cycles = answer.data.connector.syncRuns.edges.map((edge: { node: any }) => edge.node);
      assert.deepEqual(
        cycles.map((cycle: any) => [cycle.kind, cycle.status, cycle.usersCreated, cycle.finishedAt !== null]),
        [
          ['INCREMENTAL', 'RUNNING', 1, false],
          ['INCREMENTAL', 'SUCCEEDED', 2, true],
        ],
      );
      assert.match(cycles[1].log.edges[0].node.message, /^users have been created 2/);
      // With logFreeMemory on, a cycle carries the figures of its first write, its last and its peak.
      const figures = cycles[1].memory;
      assert.ok(figures.start.rss > 0 && figures.end.heapUsed > 0 && figures.peak.freeSystem > 0, JSON.stringify(figures));
      assert.ok(figures.peak.rss >= figures.end.rss);
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
      const mappings = await graphql(
        server.url,
        TEST_ADMIN_TOKEN,
        'mutation ($id: ID!) { setAttributeMappings(connectorId: $id, mappings: [{ target: USER_NAME, source: "{userName}", transformations: [{ fn: "stripDomain" }] }]) { id } }',
        { id: connector.id },
      );
      assert.equal(mappings.errors, undefined, JSON.stringify(mappings.errors));
      await fullSyncsSettled(server, connector.id);
      const ids: Record<string, string> = {};
      for (const userName of ['dana@contoso.example', 'dana@fabrikam.example', 'erin@contoso.example']) {
        const created = await send('POST', '/Users', { userName, active: true });
        assert.equal(created.status, 201, 'the IdP layer takes the user whatever its directory user');
        ids[userName] = created.json.id;
      }
      await send('POST', '/Groups', { displayName: 'staff', members: Object.values(ids).map((value) => ({ value })) });
      const run = async () => {
        const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connector.id, dryRun: false });
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        return answer.data.runSync;
      };
      const directory = async () => {
        const users: Array<{ userName: string; groups: number }> = await server.dataSource.query(
          'SELECT u.userName, (SELECT COUNT(*) FROM memberships m WHERE m.userId = u.id) AS `groups` FROM users u JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ? ORDER BY u.userName',
          [connector.id],
        );
        return users.map((user) => [user.userName, Number(user.groups)]);
      };
      assert.deepEqual(await directory(), [['dana', 1], ['erin', 1]]);
      await server.services.syncCycles.flush();
      const [cycle] = await server.dataSource.query("SELECT usersCreated, errors FROM sync_runs WHERE connectorId = ? AND kind = 'INCREMENTAL'", [connector.id]);
      assert.deepEqual([Number(cycle.usersCreated), Number(cycle.errors)], [2, 1]);

      // The full sync meets the same clash in one batch with the others.
      await server.dataSource.query('DELETE FROM users WHERE directoryId = (SELECT directoryId FROM connectors WHERE id = ?)', [connector.id]);
      const first = await run();
      assert.deepEqual([first.status, first.usersCreated, first.membershipsAdded, first.errors], ['PARTIALLY_FAILED', 2, 2, 1]);
      assert.deepEqual(await directory(), [['dana', 1], ['erin', 1]]);
      const again = await run();
      assert.deepEqual([again.status, again.usersCreated, again.membershipsAdded, again.errors], ['PARTIALLY_FAILED', 0, 0, 1]);
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`changes of users with memberships an admin made, memberships following groups alone, on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const ids: Record<string, string> = {};
    const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
    const groupsOf = async (name: string) =>
      (
        await server.dataSource.query(
          'SELECT g.name, m.managedBy FROM users u JOIN memberships m ON m.userId = u.id JOIN `groups` g ON g.id = m.groupId WHERE u.idpUserId = ? ORDER BY g.name',
          [ids[name]],
        )
      ).map((row: { name: string; managedBy: string }) => `${row.name}:${row.managedBy}`);

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url, 'members');
      for (const name of ['alice', 'bob']) ids[name] = (await send('POST', '/Users', { userName: `${name}@contoso.example`, active: true })).json.id;
      ids.sales = (await send('POST', '/Groups', { displayName: 'sales', members: [] })).json.id;
      // An admin's membership of alice's in a local group (no group policy: members follow groups alone).
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await server.dataSource.query("INSERT INTO `groups` (id, name, nameKey, origin, createdAt, updatedAt) VALUES ('00000000-0000-0000-0000-0000000000aa', 'wiki', 'wiki', 'LOCAL', ?, ?)", [now, now]);
      await server.dataSource.query(
        "INSERT INTO memberships (userId, groupId, managedBy, createdAt) SELECT id, '00000000-0000-0000-0000-0000000000aa', 'LOCAL', ? FROM users WHERE idpUserId = ?",
        [now, ids.alice],
      );
    });
    after(() => server.close());

    it('when users join a group, then one with an admin\'s membership is reconciled whole (the IdP is the source of truth) and one without only gains the membership', async () => {
      const reply = await send('PATCH', `/Groups/${ids.sales}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: ids.alice }, { value: ids.bob }] }],
      });
      assert.equal(reply.status, 204);
      assert.deepEqual(await groupsOf('alice'), ['sales:IDP']);
      assert.deepEqual(await groupsOf('bob'), ['sales:IDP']);
    });

    it('when users\' attributes change, then one with an admin\'s membership is reconciled whole and one without has its row updated, its memberships kept', async () => {
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await server.dataSource.query(
        "INSERT INTO memberships (userId, groupId, managedBy, createdAt) SELECT id, '00000000-0000-0000-0000-0000000000aa', 'LOCAL', ? FROM users WHERE idpUserId = ?",
        [now, ids.bob],
      );
      const patch = (name: string, op: { path: string; value: unknown }) =>
        send('PATCH', `/Users/${ids[name]}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', ...op }] });
      assert.equal((await patch('bob', { path: 'displayName', value: 'Robert' })).status, 200);
      assert.equal((await patch('alice', { path: 'active', value: 'False' })).status, 200);
      assert.deepEqual(await groupsOf('bob'), ['sales:IDP']);
      assert.deepEqual(await groupsOf('alice'), ['sales:IDP']);
      const row = async (name: string) => {
        const [user] = await server.dataSource.query('SELECT displayName, active, disabledReason FROM users WHERE idpUserId = ?', [ids[name]]);
        return [user.displayName, Number(user.active), user.disabledReason];
      };
      assert.deepEqual(await row('bob'), ['Robert', 1, null]);
      assert.deepEqual((await row('alice')).slice(1), [0, 'IDP']);
    });

    it('when a user the directory lacks changes its attributes, then it is created with the memberships its groups give', async () => {
      await server.dataSource.query('DELETE FROM users WHERE idpUserId = ?', [ids.bob]);
      const reply = await send('PATCH', `/Users/${ids.bob}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Bob' }] });
      assert.equal(reply.status, 200);
      assert.deepEqual(await groupsOf('bob'), ['sales:IDP']);
      const [bob] = await server.dataSource.query('SELECT displayName FROM users WHERE idpUserId = ?', [ids.bob]);
      assert.equal(bob.displayName, 'Bob');
    });
  });
}
