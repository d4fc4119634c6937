import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  getNamedType,
  GraphQLArgument,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  isNonNullType,
} from 'graphql';
import { buildAdminSchema } from '../../src/graphql/schema';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { graphql, issueReaderToken, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

/** A GraphQL literal of `type` that passes validation: the required fields of inputs, the first value of enums. */
function literal(type: GraphQLInputType): string {
  if (type instanceof GraphQLNonNull) return literal(type.ofType);
  if (type instanceof GraphQLList) return `[${literal(type.ofType)}]`;
  if (type instanceof GraphQLEnumType) return type.getValues()[0].name;
  if (type instanceof GraphQLInputObjectType) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    return `{ ${fields.map((field) => `${field.name}: ${literal(field.type)}`).join(', ')} }`;
  }
  const scalar = type as GraphQLScalarType;
  if (scalar.name === 'Int') return '0';
  if (scalar.name === 'Boolean') return 'false';
  return '"x"';
}

/** `name(args) { a selection }`, with every required argument given. */
function callOf(name: string, args: readonly GraphQLArgument[], returns: GraphQLObjectType): string {
  const required = args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const argList = required.length > 0 ? `(${required.map((arg) => `${arg.name}: ${literal(arg.type)}`).join(', ')})` : '';
  const scalarField = Object.values(returns.getFields()).find((field) => !(getNamedType(field.type) instanceof GraphQLObjectType));
  return `mutation { ${name}${argList} { ${scalarField ? scalarField.name : '__typename'} } }`;
}

/** Every mutation as an admin would call it with real ids, in an order where each still finds what it needs. */
type Fixture = { connectorId: string; doomedConnectorId: string; doomedName: string; groupId: string; userId: string; tokenId: string };
const CALLS: Record<string, (f: Fixture) => [string, Record<string, unknown>]> = {
  createConnector: () => ['mutation { createConnector(input: { name: "audited" }) { token } }', {}],
  updateConnector: (f) => ['mutation ($id: ID!) { updateConnector(id: $id, input: { logFreeMemory: true }) { id } }', { id: f.connectorId }],
  rotateConnectorToken: (f) => ['mutation ($id: ID!) { rotateConnectorToken(connectorId: $id, graceSeconds: 60) { token } }', { id: f.connectorId }],
  revokeConnectorToken: (f) => ['mutation ($c: ID!, $t: ID!) { revokeConnectorToken(connectorId: $c, tokenId: $t) { live } }', { c: f.connectorId, t: f.tokenId }],
  updateGroupPolicy: (f) => ['mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { neverRemove: ["keep-.*"] }) { id } }', { id: f.connectorId }],
  setAttributeMappings: (f) => ['mutation ($id: ID!) { setAttributeMappings(connectorId: $id, mappings: []) { id } }', { id: f.connectorId }],
  previewGroupPolicy: (f) => ['mutation ($id: ID!) { previewGroupPolicy(connectorId: $id, input: { onlyAssign: [".*"] }, wait: true) { status } }', { id: f.connectorId }],
  runSync: (f) => ['mutation ($id: ID!) { runSync(connectorId: $id, dryRun: true, wait: true) { status } }', { id: f.connectorId }],
  createGroup: () => ['mutation { createGroup(name: "audited-group") { id } }', {}],
  addGroupMember: (f) => ['mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { warning } }', { g: f.groupId, u: f.userId }],
  removeGroupMember: (f) => ['mutation ($g: ID!, $u: ID!) { removeGroupMember(groupId: $g, userId: $u) { warning } }', { g: f.groupId, u: f.userId }],
  deleteGroup: (f) => ['mutation ($id: ID!) { deleteGroup(id: $id) { id } }', { id: f.groupId }],
  setUserEnabled: (f) => ['mutation ($id: ID!) { setUserEnabled(userId: $id, enabled: false) { active } }', { id: f.userId }],
  createAdminToken: () => ['mutation { createAdminToken(name: "audited-token", role: READER) { token } }', {}],
  revokeAdminToken: () => ['mutation { revokeAdminToken(id: "audited-token-id") { id } }', {}],
  deleteConnector: (f) => ['mutation ($id: ID!, $name: String!) { deleteConnector(id: $id, confirmName: $name) { id } }', { id: f.doomedConnectorId, name: f.doomedName }],
};

describe('the mutations of the admin API', () => {
  it('when the schema is built, then every mutation is in the table below, which calls each one', async () => {
    const mutations = Object.keys((await buildAdminSchema()).getMutationType()!.getFields()).sort();
    assert.deepEqual(Object.keys(CALLS).sort(), mutations);
  });
});

for (const kind of databaseKinds()) {
  describe(`the rules every mutation keeps, on ${kind}`, () => {
    let server: TestServer;
    let readerToken: string;

    before(async () => {
      server = await startTestServer(kind);
      readerToken = await issueReaderToken(server);
    });
    after(() => server.close());

    it('when a reader calls any mutation, then FORBIDDEN, and the audit trail does not grow', async () => {
      const schema = await buildAdminSchema();
      const fields = Object.values(schema.getMutationType()!.getFields());
      assert.ok(fields.length >= 15);
      const [{ n: before }] = await server.dataSource.query('SELECT COUNT(*) AS n FROM audit_events');
      for (const field of fields) {
        const query = callOf(field.name, field.args, getNamedType(field.type) as GraphQLObjectType);
        const answer = await graphql(server.url, readerToken, query);
        assert.equal(answer.errors?.[0].extensions?.code, 'FORBIDDEN', `${query}: ${JSON.stringify(answer.errors)}`);
        assert.equal(answer.data, null, field.name);
      }
      const [{ n: afterwards }] = await server.dataSource.query('SELECT COUNT(*) AS n FROM audit_events');
      assert.equal(Number(afterwards), Number(before));
    });

    it('when an admin calls each mutation, then each writes an audit event naming the admin', async () => {
      const connector = await createConnector(server.url, 'fixture');
      const created = await scim(connector.baseUrl, connector.token, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'audited@fixture.test' });
      assert.equal(created.status, 201);
      const doomed = await createConnector(server.url, 'doomed');
      const fixture: Fixture = { connectorId: connector.id, doomedConnectorId: doomed.id, doomedName: 'doomed', groupId: '', userId: '', tokenId: '' };
      const events = async () => (await server.dataSource.query('SELECT id, actor, action FROM audit_events ORDER BY id')) as Array<{ id: number; actor: string; action: string }>;
      for (const [name, call] of Object.entries(CALLS)) {
        // Ids that only an earlier call makes.
        if (name === 'revokeConnectorToken') {
          fixture.tokenId = (await graphql(server.url, TEST_ADMIN_TOKEN, 'query ($id: ID!) { connector(id: $id) { tokens { id } } }', { id: connector.id })).data.connector.tokens[1].id;
        }
        if (name === 'addGroupMember') {
          fixture.userId = (await graphql(server.url, TEST_ADMIN_TOKEN, 'query ($id: ID!) { users(connectorId: $id) { edges { node { id } } } }', { id: connector.id })).data.users.edges[0].node.id;
        }
        const [query, variables] = call(fixture);
        const known = await events();
        let sent = query;
        if (name === 'revokeAdminToken') {
          const { adminTokens } = (await graphql(server.url, TEST_ADMIN_TOKEN, '{ adminTokens { id name } }')).data;
          sent = query.replace('audited-token-id', adminTokens.find((token: { name: string }) => token.name === 'audited-token').id);
        }
        const answer = await graphql(server.url, TEST_ADMIN_TOKEN, sent, variables);
        assert.equal(answer.errors, undefined, `${name}: ${JSON.stringify(answer.errors)}`);
        if (name === 'createGroup') fixture.groupId = answer.data.createGroup.id;
        const added = (await events()).slice(known.length);
        assert.ok(added.length >= 1, `${name} wrote no audit event`);
        assert.ok(added.every((event) => event.actor === 'ADMIN_TOKEN'), `${name}: ${JSON.stringify(added)}`);
      }
    });
  });
}
