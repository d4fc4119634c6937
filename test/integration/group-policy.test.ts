import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity, PolicyRuleEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector } from '../support/scim-client';
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
