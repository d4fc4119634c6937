import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery } from 'graphql';
import { COMPLEXITY_BUDGET, MAX_DEPTH, MAX_SELECTIONS } from '../../src/graphql/limits';
import { databaseKinds } from '../support/databases';
import { graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

/** users → memberships → group → members, `levels` times over: 5 levels of fields each. */
function nested(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i += 1) inner = `memberships { group { members(first: 1) { edges { node { ${inner} } } } } }`;
  return `{ users(first: 1) { edges { node { ${inner} } } } }`;
}

const GROUPS_WITH_MEMBERS = `query ($groups: Int, $members: Int) {
  groups(first: $groups) { edges { node { name members(first: $members) { edges { node { id userName } } } } } }
}`;

for (const kind of databaseKinds()) {
  describe(`limits on GraphQL operations, on ${kind}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it(`when an operation nests fields deeper than ${MAX_DEPTH}, then it is refused before it runs, saying how deep it is`, async () => {
      // 3 + 5 × 1 + 1 = 9 levels: allowed.
      const allowed = await graphql(server.url, TEST_ADMIN_TOKEN, nested(1));
      assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
      // 3 + 5 × 2 + 1 = 14 levels.
      const refused = await graphql(server.url, TEST_ADMIN_TOKEN, nested(2));
      assert.equal(refused.status, 400);
      assert.equal(refused.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(refused.errors![0].message, new RegExp(`nests fields 14 deep; the most allowed is ${MAX_DEPTH}`));
      assert.equal(refused.data, undefined);
    });

    it('when the nesting hides in fragments, then it counts all the same', async () => {
      const query = `query { users(first: 1) { edges { node { ...deep } } } }
        fragment deep on User { memberships { group { members(first: 1) { edges { node { ...deeper } } } } } }
        fragment deeper on User { memberships { group { members(first: 1) { edges { node { ... on User { id } } } } } } }`;
      const refused = await graphql(server.url, TEST_ADMIN_TOKEN, query);
      assert.equal(refused.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(refused.errors![0].message, /14 deep/);
    });

    it(`when pages nest within pages past the budget of ${COMPLEXITY_BUDGET}, then the operation is refused; smaller pages pass`, async () => {
      const refused = await graphql(server.url, TEST_ADMIN_TOKEN, GROUPS_WITH_MEMBERS, { groups: 200, members: 200 });
      assert.equal(refused.status, 400);
      assert.equal(refused.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(refused.errors![0].message, /could cost \d+ .*the budget is 20000: ask for smaller pages/);
      // Left out, `first` counts as the default page of 50: 200 groups × 50 members is past the budget too.
      const defaulted = await graphql(server.url, TEST_ADMIN_TOKEN, GROUPS_WITH_MEMBERS, { groups: 200 });
      assert.equal(defaulted.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      const allowed = await graphql(server.url, TEST_ADMIN_TOKEN, GROUPS_WITH_MEMBERS, { groups: 20, members: 20 });
      assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    });

    it(`when a selection set asks for more than ${MAX_SELECTIONS} fields by aliases, at the root, nested or through fragments, then it is refused whole`, async () => {
      const aliases = (count: number, field: string) => Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');
      const allowed = await graphql(server.url, TEST_ADMIN_TOKEN, `{ ${aliases(MAX_SELECTIONS, 'adminTokens { __typename }')} }`);
      assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
      const operations = [
        `{ ${aliases(1000, 'adminTokens { __typename }')} }`,
        `{ connectors { ${aliases(MAX_SELECTIONS + 1, 'id')} } }`,
        // Two fragments of 60 fields each, spread into one selection set: 120 fields.
        `{ ...a ...b } fragment a on Query { ${aliases(60, 'adminTokens { id }')} } fragment b on Query { ${Array.from({ length: 60 }, (_, i) => `b${i}: connectors { id }`).join(' ')} }`,
        `{ ... on Query { ${aliases(MAX_SELECTIONS + 1, '__typename')} } }`,
      ];
      for (const operation of operations) {
        const refused = await graphql(server.url, TEST_ADMIN_TOKEN, operation);
        assert.equal(refused.status, 400, operation.slice(0, 80));
        assert.equal(refused.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        assert.match(refused.errors![0].message, new RegExp(`fields \\(aliases count\\); the most allowed is ${MAX_SELECTIONS}`));
        assert.equal(refused.data, undefined);
      }
    });

    it('when a page asks for more than 200, then the resolver’s own error names first, not the budget', async () => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, '{ users(first: 100000) { totalCount } }');
      assert.equal(answer.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0].extensions?.field, 'first');
    });

    it('when a client downloads the schema by introspection, then no limit stands in its way', async () => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, getIntrospectionQuery());
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.ok(answer.data.__schema.types.length > 20);
    });
  });
}
