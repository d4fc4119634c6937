import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector } from '../support/scim-client';
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
  });
}
