import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const SET = `mutation ($id: ID!, $mappings: [AttributeMappingInput!]!) {
  setAttributeMappings(connectorId: $id, mappings: $mappings) { id attributeMappings { target property source transformations { fn args } onNoMatch } }
}`;
const READ = `query ($id: ID!) { connector(id: $id) { attributeMappings { target property source transformations { fn args } onNoMatch } } }`;

const MAPPINGS = [
  { target: 'USER_NAME', source: '{userName}', transformations: [{ fn: 'stripDomain' }, { fn: 'lowercase' }] },
  { target: 'DISPLAY_NAME', source: '{name.givenName} {name.familyName}', onNoMatch: 'CLEAR' },
  {
    target: 'PROPERTY',
    property: 'costCenter',
    source: '{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}',
    transformations: [{ fn: 'map', args: { table: { retail: 'R-100' } } }],
    onNoMatch: 'DROP_USER',
  },
];

for (const kind of databaseKinds()) {
  describe(`attribute mappings over GraphQL on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('when mappings are set, then they read back in order with their transformations', async () => {
      const { id } = await createConnector(server.url);
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, SET, { id, mappings: MAPPINGS });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const read = await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id });
      assert.deepEqual(read.data.connector.attributeMappings, [
        { target: 'USER_NAME', property: null, source: '{userName}', transformations: [{ fn: 'stripDomain', args: null }, { fn: 'lowercase', args: null }], onNoMatch: 'KEEP' },
        { target: 'DISPLAY_NAME', property: null, source: '{name.givenName} {name.familyName}', transformations: [], onNoMatch: 'CLEAR' },
        {
          target: 'PROPERTY',
          property: 'costCenter',
          source: MAPPINGS[2].source,
          transformations: [{ fn: 'map', args: { table: { retail: 'R-100' } } }],
          onNoMatch: 'DROP_USER',
        },
      ]);
      const cleared = await graphql(server.url, TEST_ADMIN_TOKEN, SET, { id, mappings: [] });
      assert.deepEqual(cleared.data.setAttributeMappings.attributeMappings, []);
      const events = await server.dataSource.getRepository(AuditEventEntity).findBy({ targetId: id, action: 'connector.setAttributeMappings' });
      assert.equal(events.length, 2);
    });

    for (const [problem, mapping, message] of [
      ['an unknown transformation', { target: 'EMAIL', source: '{userName}', transformations: [{ fn: 'eval' }] }, /mapping 2 \(EMAIL\): unknown transformation "eval"/],
      ['a broken path', { target: 'EMAIL', source: '{emails[type eq}' }, /mapping 2 \(EMAIL\): \{emails\[type eq\} is not a SCIM attribute path/],
      ['a bad regex', { target: 'EMAIL', source: '{userName}', transformations: [{ fn: 'regexReplace', args: { pattern: '(', replacement: '' } }] }, /regexReplace pattern "\("/],
      ['a property without a name', { target: 'PROPERTY', source: '{userName}' }, /needs a property name/],
    ] as const) {
      it(`when a mapping has ${problem}, then BAD_USER_INPUT says which and why, and the old mappings stay`, async () => {
        const { id } = await createConnector(server.url);
        await graphql(server.url, TEST_ADMIN_TOKEN, SET, { id, mappings: [MAPPINGS[0]] });
        const answer = await graphql(server.url, TEST_ADMIN_TOKEN, SET, { id, mappings: [MAPPINGS[1], mapping] });
        assert.equal(answer.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
        assert.match(answer.errors![0].message, message);
        const read = await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id });
        assert.deepEqual(read.data.connector.attributeMappings.map((item: { target: string }) => item.target), ['USER_NAME']);
      });
    }

    it('when mappings are tried on a user, then the answer is what they make of its IdP resource, and nothing is saved', async () => {
      const connector = await createConnector(server.url, 'tried');
      const created = await scim(connector.baseUrl, connector.token, 'POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        userName: 'Ada.Lovelace@Contoso.test',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Retail' },
      });
      assert.equal(created.status, 201, created.text);
      const { data } = await graphql(server.url, TEST_ADMIN_TOKEN, 'query ($id: ID!) { users(connectorId: $id) { edges { node { id } } } }', { id: connector.id });
      const userId = data.users.edges[0].node.id;
      const TRY = `query ($mappings: [AttributeMappingInput!]!, $user: ID!) {
        tryAttributeMappings(mappings: $mappings, userId: $user) { userName displayName email firstName lastName properties groupNames dropped kept idpResource }
      }`;
      const tried = await graphql(server.url, TEST_ADMIN_TOKEN, TRY, { mappings: MAPPINGS, user: userId });
      assert.equal(tried.errors, undefined, JSON.stringify(tried.errors));
      const trial = tried.data.tryAttributeMappings;
      assert.deepEqual(
        { userName: trial.userName, displayName: trial.displayName, properties: trial.properties, dropped: trial.dropped, kept: trial.kept },
        { userName: 'ada.lovelace', displayName: 'Ada Lovelace', properties: { costCenter: 'R-100' }, dropped: false, kept: ['email', 'firstName', 'lastName'] },
      );
      assert.equal(trial.idpResource.userName, 'Ada.Lovelace@Contoso.test');
      const defaults = (await graphql(server.url, TEST_ADMIN_TOKEN, TRY, { mappings: [], user: userId })).data.tryAttributeMappings;
      assert.deepEqual([defaults.userName, defaults.firstName, defaults.lastName], ['Ada.Lovelace@Contoso.test', 'Ada', 'Lovelace'], 'no mappings: the defaults');
      const read = await graphql(server.url, TEST_ADMIN_TOKEN, READ, { id: connector.id });
      assert.deepEqual(read.data.connector.attributeMappings, [], 'nothing saved');
      const broken = await graphql(server.url, TEST_ADMIN_TOKEN, TRY, { mappings: [{ target: 'EMAIL', source: '{emails[type eq}' }], user: userId });
      assert.equal(broken.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(broken.errors?.[0].extensions?.field, 'mappings');
      const missing = await graphql(server.url, TEST_ADMIN_TOKEN, TRY, { mappings: [], user: 'nobody' });
      assert.equal(missing.errors?.[0].extensions?.code, 'NOT_FOUND');
    });
  });
}
