import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity, PolicyRuleEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, GraphQLAnswer, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';
import { StatementLog } from '../support/statement-log';

const UPDATE = `mutation ($id: ID!, $input: GroupPolicyInput!) {
  updateGroupPolicy(connectorId: $id, input: $input) { id groupPolicy { alwaysAssign onlyAssign neverAssign neverRemove required } }
}`;
const READ = `query ($id: ID!) { connector(id: $id) { groupPolicy { alwaysAssign onlyAssign neverAssign neverRemove required } } }`;

for (const kind of databaseKinds()) {
  describe(`group policy over GraphQL on ${kind}`, () => {
    let server: TestServer;
    const log = new StatementLog();
    before(async () => {
      server = await startTestServer(kind, { logger: log });
    });
    after(() => server.close());

    it('when lists are given, then they replace those lists in order and leave the others', async () => {
      const { id } = await createConnector(server.url);
      const first = await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, {
        id,
        input: { alwaysAssign: ['jira-users'], onlyAssign: ['jira-.*', 'confluence-.*'], required: ['staff'] },
      });
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      const second = await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input: { onlyAssign: ['confluence-.*'], neverRemove: ['.*'] } });
      assert.deepEqual(second.data.updateGroupPolicy.groupPolicy, {
        alwaysAssign: ['jira-users'],
        onlyAssign: ['confluence-.*'],
        neverAssign: [],
        neverRemove: ['.*'],
        required: ['staff'],
      });
      const read = await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id });
      assert.deepEqual(read.data.connector.groupPolicy, second.data.updateGroupPolicy.groupPolicy);
      const cleared = await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input: { required: [] } });
      assert.deepEqual(cleared.data.updateGroupPolicy.groupPolicy.required, []);
      assert.equal(await server.dataSource.getRepository(PolicyRuleEntity).countBy({ connectorId: id, kind: 'REQUIRED' }), 0);
    });

    it('when one pattern is invalid, then BAD_USER_INPUT names it and its reason, and nothing is saved', async () => {
      const { id } = await createConnector(server.url);
      await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input: { neverAssign: ['old-.*'] } });
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, {
        id,
        input: { neverAssign: ['new-.*'], onlyAssign: ['ok-.*', '(broken'] },
      });
      const [error] = answer.errors ?? [];
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
      assert.match(error.message, /"\(broken": missing closing \)/);
      assert.deepEqual(error.extensions?.patterns, [{ list: 'onlyAssign', pattern: '(broken', reason: 'missing closing ): `(broken`' }]);
      const read = await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id });
      assert.deepEqual(read.data.connector.groupPolicy.neverAssign, ['old-.*']);
      assert.deepEqual(read.data.connector.groupPolicy.onlyAssign, []);
    });

    it('when lists are checked, then each problem is named as a save would name it, and nothing is saved', async () => {
      const CHECK = 'query ($input: GroupPolicyInput!) { checkGroupPolicy(input: $input) { list pattern reason } }';
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, CHECK, { input: { onlyAssign: ['ok-.*', '(broken', '(?=ahead)'], alwaysAssign: ['  '] } });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.deepEqual(
        answer.data.checkGroupPolicy.map((problem: { list: string; pattern: string }) => [problem.list, problem.pattern]),
        [['alwaysAssign', '  '], ['onlyAssign', '(broken'], ['onlyAssign', '(?=ahead)']],
      );
      assert.match(answer.data.checkGroupPolicy[2].reason, /unsupported Perl syntax/);
      assert.deepEqual((await graphql(server.url, TEST_ADMIN_TOKEN, CHECK, { input: { neverAssign: ['jira-temp.*'] } })).data.checkGroupPolicy, []);
    });

    it('when a policy change is previewed, then the preview says what saving would change, and nothing changes until it is saved', async () => {
      const connector = await createConnector(server.url, 'previewed');
      const ids: string[] = [];
      for (const userName of ['pia@contoso.test', 'per@contoso.test']) {
        ids.push((await scim(connector.baseUrl, connector.token, 'POST', '/Users', { userName, active: true })).json.id);
      }
      await scim(connector.baseUrl, connector.token, 'POST', '/Groups', { displayName: 'jira-users', members: ids.map((value) => ({ value })) });
      await scim(connector.baseUrl, connector.token, 'POST', '/Groups', { displayName: 'wiki-users', members: [{ value: ids[0] }] });
      const PREVIEW = `mutation ($id: ID!, $input: GroupPolicyInput!) {
        previewGroupPolicy(connectorId: $id, input: $input, wait: true) { kind status membershipsAdded membershipsRemoved usersDisabled diff }
      }`;
      const preview = await graphql(server.url, TEST_ADMIN_TOKEN, PREVIEW, { id: connector.id, input: { onlyAssign: ['jira-.*'], required: ['wiki-.*'] } });
      assert.equal(preview.errors, undefined, JSON.stringify(preview.errors));
      const run = preview.data.previewGroupPolicy;
      assert.deepEqual([run.kind, run.status, run.membershipsAdded, run.membershipsRemoved, run.usersDisabled], ['PREVIEW', 'SUCCEEDED', 0, 1, 1]);
      assert.deepEqual(run.diff.membershipsRemoved, ['pia@contoso.test ✕ wiki-users']);
      assert.deepEqual(run.diff.disabled, ['per@contoso.test']);
      const members = await server.dataSource.query('SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.userId WHERE u.userName IN (?, ?)', ['pia@contoso.test', 'per@contoso.test']);
      assert.equal(Number(members[0].n), 3, 'the directory is as it was');
      assert.deepEqual((await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id: connector.id })).data.connector.groupPolicy.onlyAssign, [], 'and so is the policy');
      const [event] = await server.dataSource.getRepository(AuditEventEntity).find({ where: { targetId: connector.id, action: 'connector.previewGroupPolicy' } });
      assert.deepEqual((event.after as { proposedPolicy: unknown }).proposedPolicy, { onlyAssign: ['jira-.*'], required: ['wiki-.*'] });

      const invalid = await graphql(server.url, TEST_ADMIN_TOKEN, PREVIEW, { id: connector.id, input: { onlyAssign: ['(broken'] } });
      assert.equal(invalid.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    });

    it('when the connector does not exist, then NOT_FOUND', async () => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id: '00000000-0000-0000-0000-0000000000aa', input: { alwaysAssign: ['x'] } });
      assert.equal(answer.errors?.[0].extensions?.code, 'NOT_FOUND');
    });

    it('when the policy changes, then an audit event keeps it before and after', async () => {
      const { id } = await createConnector(server.url);
      await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input: { alwaysAssign: ['everyone'] } });
      const event = await server.dataSource.getRepository(AuditEventEntity).findOneByOrFail({ targetId: id, action: 'connector.updateGroupPolicy' });
      assert.deepEqual(event.before?.alwaysAssign, []);
      assert.deepEqual(event.after?.alwaysAssign, ['everyone']);
      assert.equal(event.actor, 'ADMIN_TOKEN');
    });

    it('when many connectors are listed with their policies, then the policies are read in one statement', async () => {
      for (let index = 0; index < 3; index += 1) {
        const { id } = await createConnector(server.url, `many-${index}`);
        await graphql(server.url, TEST_ADMIN_TOKEN, UPDATE, { id, input: { alwaysAssign: [`group-${index}`] } });
        // The full sync the change starts reads the policy too.
        await fullSyncsSettled(server, id);
      }
      let answer: GraphQLAnswer | undefined;
      const statements = await log.during(async () => {
        answer = await graphql(server.url, TEST_ADMIN_TOKEN, '{ connectors { name groupPolicy { alwaysAssign } } }');
      });
      assert.equal(statements.filter((sql) => /policy_rules/.test(sql)).length, 1);
      assert.ok(answer);
      const many = answer.data.connectors.filter((connector: { name: string }) => connector.name.startsWith('many-'));
      assert.deepEqual(many.map((connector: { groupPolicy: { alwaysAssign: string[] } }) => connector.groupPolicy.alwaysAssign), [['group-0'], ['group-1'], ['group-2']]);
    });
  });
}
