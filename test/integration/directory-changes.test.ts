import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/db/columns';
import { AuditEventEntity, UserEntity } from '../../src/db/entities';
import { localUser } from '../support/directory';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, issueReaderToken, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CREATE_GROUP = 'mutation ($name: String!) { createGroup(name: $name) { id name origin } }';
const ADD = `mutation ($groupId: ID!, $userId: ID!) {
  addGroupMember(groupId: $groupId, userId: $userId) { warning membership { managedBy user { userName } group { name } } }
}`;
const REMOVE = `mutation ($groupId: ID!, $userId: ID!) {
  removeGroupMember(groupId: $groupId, userId: $userId) { warning membership { managedBy group { name } } }
}`;
const SET_ENABLED = 'mutation ($userId: ID!, $enabled: Boolean!) { setUserEnabled(userId: $userId, enabled: $enabled) { userName active disabledReason } }';

for (const kind of databaseKinds()) {
  describe(`local directory changes over GraphQL on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    let readerToken: string;
    const call = (text: string, variables: Record<string, unknown> = {}, token = TEST_ADMIN_TOKEN) => graphql(server.url, token, text, variables);
    const ok = async (text: string, variables: Record<string, unknown> = {}) => {
      const answer = await call(text, variables);
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data;
    };
    const errorOf = async (text: string, variables: Record<string, unknown>, token = TEST_ADMIN_TOKEN) => (await call(text, variables, token)).errors?.[0].extensions;
    const userId = async (userName: string): Promise<string> => (await ok('query ($s: String) { users(search: $s) { edges { node { id } } } }', { s: userName })).users.edges[0].node.id;
    const groupId = async (name: string): Promise<string> => (await ok('query ($s: String) { groups(search: $s) { edges { node { id } } } }', { s: name })).groups.edges[0].node.id;
    const groupsOf = async (userName: string): Promise<string[]> => {
      const { user } = await ok('query ($id: ID!) { user(id: $id) { groups { name } } }', { id: await userId(userName) });
      return user.groups.map((group: { name: string }) => group.name);
    };
    const sync = () => ok('mutation ($id: ID!) { runSync(connectorId: $id, wait: true) { status } }', { id: connector.id });
    const audit = (action: string, targetId: string) => server.dataSource.getRepository(AuditEventEntity).findBy({ action, targetId });

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url, 'changes');
      // The policy first: SCIM writes follow it as they come.
      await ok('mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { alwaysAssign: ["everyone"], neverAssign: ["sales"], neverRemove: ["wiki-.*"] }) { id } }', {
        id: connector.id,
      });
      await fullSyncsSettled(server, connector.id);
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const ids: Record<string, string> = {};
      for (const name of ['alice', 'bob', 'carol']) {
        const reply = await send('POST', '/Users', { userName: `${name}@contoso.example`, active: name !== 'carol' });
        ids[name] = reply.json.id;
      }
      for (const [displayName, members] of [['jira-users', ['alice', 'bob']], ['sales', ['alice']]] as const) {
        const group = await send('POST', '/Groups', { displayName });
        await send('PATCH', `/Groups/${group.json.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: members.map((member) => ({ value: ids[member] })) }],
        });
      }
      await sync();
      const now = new Date();
      await server.dataSource.getRepository(UserEntity).insert(localUser('dora@local.example', now));
      readerToken = await issueReaderToken(server);
    });
    after(() => server.close());

    it('when an admin creates a group, then it is LOCAL and audited; a name taken in any case is a CONFLICT, an empty one BAD_USER_INPUT', async () => {
      const { createGroup } = await ok(CREATE_GROUP, { name: ' Wiki-Team ' });
      assert.deepEqual([createGroup.name, createGroup.origin], ['Wiki-Team', 'LOCAL']);
      assert.equal((await audit('group.create', createGroup.id)).length, 1);
      assert.equal((await errorOf(CREATE_GROUP, { name: 'WIKI-team' }))?.code, 'CONFLICT');
      assert.equal((await errorOf(CREATE_GROUP, { name: 'Jira-Users' }))?.code, 'CONFLICT', 'a group the sync made');
      assert.deepEqual(await errorOf(CREATE_GROUP, { name: '  ' }), { code: 'BAD_USER_INPUT', field: 'name' });
      await ok(CREATE_GROUP, { name: 'Confluence' });
    });

    it('when a local user is added to a group, then the membership is LOCAL with no warning; added again, CONFLICT', async () => {
      const variables = { groupId: await groupId('wiki-team'), userId: await userId('dora') };
      const { addGroupMember } = await ok(ADD, variables);
      assert.deepEqual(addGroupMember, { warning: null, membership: { managedBy: 'LOCAL', user: { userName: 'dora@local.example' }, group: { name: 'Wiki-Team' } } });
      assert.equal((await errorOf(ADD, variables))?.code, 'CONFLICT');
      const [event] = await audit('group.addMember', variables.groupId);
      assert.equal(event.after?.userName, 'dora@local.example');
    });

    it('when a synced user is added to a group, then it is warned exactly when the next sync removes the membership', async () => {
      const alice = await userId('alice');
      const kept = await ok(ADD, { groupId: await groupId('wiki-team'), userId: alice });
      assert.equal(kept.addGroupMember.warning, null, 'wiki-.* is never removed');
      const removed = await ok(ADD, { groupId: await groupId('confluence'), userId: alice });
      assert.match(removed.addGroupMember.warning, /next sync of connector "changes" will remove this membership/);
      assert.deepEqual(await groupsOf('alice'), ['Confluence', 'everyone', 'jira-users', 'Wiki-Team']);
      await sync();
      assert.deepEqual(await groupsOf('alice'), ['everyone', 'jira-users', 'Wiki-Team']);
    });

    it('when a membership is removed, then it is warned exactly when the next sync adds it back, and why', async () => {
      const bob = await userId('bob');
      const fromIdp = await ok(REMOVE, { groupId: await groupId('jira-users'), userId: bob });
      assert.equal(fromIdp.removeGroupMember.membership.managedBy, 'IDP');
      assert.match(fromIdp.removeGroupMember.warning, /will add this membership back: the identity provider reports "jira-users"/);
      const fromPolicy = await ok(REMOVE, { groupId: await groupId('everyone'), userId: bob });
      assert.match(fromPolicy.removeGroupMember.warning, /will add this membership back: always assign names "everyone"/);
      const alice = await userId('alice');
      const local = await ok(REMOVE, { groupId: await groupId('wiki-team'), userId: alice });
      assert.deepEqual(local.removeGroupMember, { warning: null, membership: { managedBy: 'LOCAL', group: { name: 'Wiki-Team' } } });
      assert.deepEqual(await groupsOf('bob'), []);
      await sync();
      assert.deepEqual(await groupsOf('bob'), ['everyone', 'jira-users']);
      assert.deepEqual(await groupsOf('alice'), ['everyone', 'jira-users']);
      const [event] = await audit('group.removeMember', await groupId('everyone'));
      assert.deepEqual([event.before?.userName, event.before?.managedBy], ['bob@contoso.example', 'POLICY']);
    });

    it('when an id is unknown or the user is not in the group, then NOT_FOUND', async () => {
      const [group, user] = [await groupId('confluence'), await userId('dora')];
      assert.equal((await errorOf(REMOVE, { groupId: group, userId: user }))?.code, 'NOT_FOUND');
      assert.equal((await errorOf(ADD, { groupId: newId(), userId: user }))?.code, 'NOT_FOUND');
      assert.equal((await errorOf(ADD, { groupId: group, userId: newId() }))?.code, 'NOT_FOUND');
      assert.equal((await errorOf(REMOVE, { groupId: group, userId: newId() }))?.code, 'NOT_FOUND');
      assert.equal((await errorOf(SET_ENABLED, { userId: newId(), enabled: false }))?.code, 'NOT_FOUND');
    });

    it('when an admin disables a synced user, then it stays disabled through a sync; enabled again, it is active', async () => {
      const alice = await userId('alice');
      assert.deepEqual((await ok(SET_ENABLED, { userId: alice, enabled: false })).setUserEnabled, { userName: 'alice@contoso.example', active: false, disabledReason: 'ADMIN' });
      await sync();
      const read = 'query ($id: ID!) { user(id: $id) { active disabledReason } }';
      assert.deepEqual((await ok(read, { id: alice })).user, { active: false, disabledReason: 'ADMIN' });
      assert.deepEqual((await ok(SET_ENABLED, { userId: alice, enabled: true })).setUserEnabled.active, true);
      await sync();
      assert.deepEqual((await ok(read, { id: alice })).user, { active: true, disabledReason: null });
      const events = [...(await audit('user.disable', alice)), ...(await audit('user.enable', alice))];
      assert.deepEqual(events.map((event) => [event.before?.active, event.after?.active]), [[true, false], [false, true]]);
    });

    it('when an admin enables a user the IdP says is inactive, then it is active until the next sync disables it again', async () => {
      const carol = await userId('carol');
      const read = 'query ($id: ID!) { user(id: $id) { active disabledReason } }';
      assert.deepEqual((await ok(read, { id: carol })).user, { active: false, disabledReason: 'IDP' });
      assert.deepEqual((await ok(SET_ENABLED, { userId: carol, enabled: true })).setUserEnabled.active, true);
      await sync();
      assert.deepEqual((await ok(read, { id: carol })).user, { active: false, disabledReason: 'IDP' });
    });

    it('when a READER token changes the directory, then FORBIDDEN; it may read', async () => {
      const [group, user] = [await groupId('confluence'), await userId('dora')];
      assert.equal((await errorOf(CREATE_GROUP, { name: 'readers' }, readerToken))?.code, 'FORBIDDEN');
      assert.equal((await errorOf(ADD, { groupId: group, userId: user }, readerToken))?.code, 'FORBIDDEN');
      assert.equal((await errorOf(REMOVE, { groupId: group, userId: user }, readerToken))?.code, 'FORBIDDEN');
      assert.equal((await errorOf(SET_ENABLED, { userId: user, enabled: false }, readerToken))?.code, 'FORBIDDEN');
      const read = await call('{ users(first: 1) { totalCount } groups(first: 1) { totalCount } }', {}, readerToken);
      assert.deepEqual(read.data, { users: { totalCount: 4 }, groups: { totalCount: 4 } });
    });
  });
}
