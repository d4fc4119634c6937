import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PREVIEW = `mutation ($id: ID!) {
  runSync(connectorId: $id, dryRun: true, wait: true) { usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors diff }
}`;
const OPERATIONS = 150;

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Whatever the SCIM traffic, the directory it leaves is the one a full sync would make: a preview
 * right after it finds nothing to change. Three settings: two where member changes are followed by
 * adding and removing memberships alone (the second without always assign, so that a user's
 * attribute change writes its row alone), one (required groups, a mapping that names groups) where
 * every touched user is reconciled whole.
 */
const SETTINGS: Array<{ name: string; policy: Record<string, string[]>; mappings?: unknown[] }> = [
  {
    name: 'memberships follow groups',
    policy: { alwaysAssign: ['everyone', 'team-1'], onlyAssign: ['team-.*', 'app-.*'], neverAssign: ['team-3'], neverRemove: ['app-keep'] },
  },
  {
    name: 'memberships follow groups, nothing always assigned',
    policy: { onlyAssign: ['team-.*', 'app-.*'], neverAssign: ['team-3'], neverRemove: ['app-keep'] },
  },
  {
    name: 'required groups and mapped group names',
    policy: { alwaysAssign: ['everyone'], neverAssign: ['team-3'], neverRemove: ['app-keep'], required: ['team-[0-2]', 'app-.*'] },
    mappings: [
      { target: 'USER_NAME', source: '{userName}' },
      { target: 'DISPLAY_NAME', source: '{displayName}' },
      { target: 'GROUP_NAMES', source: '{title}', transformations: [{ fn: 'lowercase' }] },
    ],
  },
];

for (const kind of databaseKinds()) {
  for (const [index, settings] of SETTINGS.entries()) {
    describe(`SCIM writes followed by the directory (${settings.name}) on ${kind}`, () => {
      let server: TestServer;
      let connector: { id: string; baseUrl: string; token: string };
      before(async () => {
        server = await startTestServer(kind);
        connector = await createConnector(server.url, `follow ${index}`);
        const policy = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!, $input: GroupPolicyInput!) { updateGroupPolicy(connectorId: $id, input: $input) { id } }', {
          id: connector.id,
          input: settings.policy,
        });
        assert.equal(policy.errors, undefined, JSON.stringify(policy.errors));
        if (settings.mappings) {
          const mapped = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!, $m: [AttributeMappingInput!]!) { setAttributeMappings(connectorId: $id, mappings: $m) { id } }', {
            id: connector.id,
            m: settings.mappings,
          });
          assert.equal(mapped.errors, undefined, JSON.stringify(mapped.errors));
        }
        await fullSyncsSettled(server, connector.id);
      });
      after(() => server.close());

      it(`when ${OPERATIONS} random SCIM writes have been answered, then a preview finds nothing to change`, async () => {
        const next = random(20261123 + index);
        const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
        const send = async (method: string, path: string, body?: unknown) => {
          const reply = await scim(connector.baseUrl, connector.token, method, path, body);
          assert.ok(reply.status < 300, `${method} ${path}: ${reply.status} ${reply.text}`);
          return reply;
        };
        const users: string[] = [];
        const groups: string[] = [];
        const groupNames = ['team-0', 'team-1', 'team-2', 'team-3', 'app-keep', 'app-x', 'other'];
        let created = 0;
        const newUser = async () => {
          created += 1;
          const reply = await send('POST', '/Users', { userName: `u${created}@contoso.example`, active: next() < 0.8, displayName: `User ${created}`, title: pick(['', 'App-X', 'Sales']) });
          users.push(reply.json.id);
        };
        for (let count = 0; count < 6; count += 1) await newUser();

        for (let step = 0; step < OPERATIONS; step += 1) {
          const roll = next();
          if (roll < 0.08 || users.length === 0) {
            await newUser();
          } else if (roll < 0.16 && groups.length < groupNames.length) {
            const name = groupNames.find((candidate) => !groups.some((id) => id.endsWith(`:${candidate}`)))!;
            const members = users.filter(() => next() < 0.3).map((value) => ({ value }));
            const reply = await send('POST', '/Groups', { displayName: name, members });
            groups.push(`${reply.json.id}:${name}`);
          } else if (roll < 0.45 && groups.length > 0) {
            const [id] = pick(groups).split(':');
            const value = users.filter(() => next() < 0.25).map((member) => ({ value: member }));
            await send('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: next() < 0.6 ? 'Add' : 'Remove', path: 'members', value }] });
          } else if (roll < 0.52 && groups.length > 0) {
            const [id, name] = pick(groups).split(':');
            const members = users.filter(() => next() < 0.4).map((value) => ({ value }));
            await send('PUT', `/Groups/${id}`, { displayName: name, members });
          } else if (roll < 0.56 && groups.length > 0) {
            // A rename to a name no other group has: the old one is free again.
            const entry = pick(groups);
            const [id] = entry.split(':');
            const free = groupNames.filter((candidate) => !groups.some((other) => other.endsWith(`:${candidate}`)));
            if (free.length === 0) continue;
            const name = pick(free);
            await send('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: name }] });
            groups[groups.indexOf(entry)] = `${id}:${name}`;
          } else if (roll < 0.6 && groups.length > 0) {
            const entry = pick(groups);
            await send('DELETE', `/Groups/${entry.split(':')[0]}`);
            groups.splice(groups.indexOf(entry), 1);
          } else if (roll < 0.75) {
            await send('PATCH', `/Users/${pick(users)}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: next() < 0.5 ? 'False' : 'True' }] });
          } else if (roll < 0.88) {
            const title = pick(['', 'App-X', 'Sales', 'team-2']);
            await send('PATCH', `/Users/${pick(users)}`, {
              schemas: [PATCH_OP],
              Operations: [
                { op: 'Replace', path: 'title', value: title },
                { op: 'Replace', path: 'displayName', value: `Renamed ${step}` },
              ],
            });
          } else if (roll < 0.93) {
            const id = pick(users);
            await send('DELETE', `/Users/${id}`);
            users.splice(users.indexOf(id), 1);
          } else {
            await newUser();
          }
        }

        const preview = await graphql(server.url, TEST_ADMIN_TOKEN, PREVIEW, { id: connector.id });
        assert.equal(preview.errors, undefined, JSON.stringify(preview.errors));
        const { diff, ...counts } = preview.data.runSync;
        assert.deepEqual(
          counts,
          { usersCreated: 0, usersUpdated: 0, usersDisabled: 0, usersEnabled: 0, usersDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, errors: 0 },
          JSON.stringify(diff),
        );
        const [{ memberships }] = await server.dataSource.query(
          'SELECT COUNT(*) AS memberships FROM memberships m JOIN users u ON u.id = m.userId JOIN connectors c ON c.directoryId = u.directoryId WHERE c.id = ?',
          [connector.id],
        );
        assert.ok(Number(memberships) > 0, 'the traffic made memberships');
      });
    });
  }
}

for (const kind of databaseKinds()) {
  describe(`SCIM writes right after a settings change on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('when more writes than the pool has connections arrive while every compiled plan is stale, then all of them are answered', { timeout: 60_000 }, async () => {
      const connector = await createConnector(server.url, 'stale plans');
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const users: string[] = [];
      for (let index = 0; index < 30; index += 1) users.push((await send('POST', '/Users', { userName: `stale.${index}@contoso.example` })).json.id);
      const changed = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { alwaysAssign: ["everyone"] }) { id } }', {
        id: connector.id,
      });
      assert.equal(changed.errors, undefined, JSON.stringify(changed.errors));
      // Each write holds a connection while it compiles the new plan: on that same connection, or
      // the pool (10) would run dry and every write wait for ever.
      const replies = await Promise.all(
        users.map((id, index) => send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `Stale ${index}` }] })),
      );
      assert.deepEqual(replies.map((reply) => reply.status).filter((status) => status >= 300), []);
      await fullSyncsSettled(server, connector.id);
    });
  });
}
