import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AttributePath } from '../../../src/scim/filter/ast';
import {
  ENTERPRISE_USER_SCHEMA_ID,
  GROUP_SCHEMA_ID,
  USER_SCHEMA_ID,
  resolveAttribute,
  type AttributeDefinition,
  type ResourceTypeName,
} from '../../../src/scim/schema/definitions';
import { resourceTypeDocuments, schemaDocuments, scimSchemaFiles } from '../../../src/scim/schema/documents';

const COMMITTED_DIR = path.resolve(__dirname, '../../../../schema/scim');

describe('the committed SCIM schema documents', () => {
  it('when the definitions are emitted, then they equal the files under schema/scim/, and nothing else is there', () => {
    const emitted = scimSchemaFiles();
    assert.deepEqual(fs.readdirSync(COMMITTED_DIR).sort(), Object.keys(emitted).sort());
    for (const [name, contents] of Object.entries(emitted)) {
      assert.equal(fs.readFileSync(path.join(COMMITTED_DIR, name), 'utf8'), contents, `schema/scim/${name} drifted: run \`npm run schema:emit-scim\` and commit it`);
    }
  });
});

describe('the /Schemas and /ResourceTypes documents', () => {
  it('when a base URL is given, then each document is located under it', () => {
    const base = 'https://dir.example.com/scim/v2/c-1/';
    assert.deepEqual(
      schemaDocuments(base).map((document) => document.meta),
      [USER_SCHEMA_ID, GROUP_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID].map((id) => ({ resourceType: 'Schema', location: `https://dir.example.com/scim/v2/c-1/Schemas/${id}` })),
    );
    assert.deepEqual(
      resourceTypeDocuments(base).map((document) => document.meta),
      ['User', 'Group'].map((id) => ({ resourceType: 'ResourceType', location: `https://dir.example.com/scim/v2/c-1/ResourceTypes/${id}` })),
    );
  });

  it('when no base URL is given, then the documents have no location', () => {
    for (const document of [...schemaDocuments(), ...resourceTypeDocuments()]) assert.equal('location' in document.meta, false);
  });

  it('when the resource types are listed, then User has the optional enterprise extension and Group none', () => {
    const [user, group] = resourceTypeDocuments();
    assert.deepEqual(
      { endpoint: user.endpoint, schema: user.schema, schemaExtensions: user.schemaExtensions },
      { endpoint: '/Users', schema: USER_SCHEMA_ID, schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_ID, required: false }] },
    );
    assert.deepEqual({ endpoint: group.endpoint, schema: group.schema, schemaExtensions: group.schemaExtensions }, { endpoint: '/Groups', schema: GROUP_SCHEMA_ID, schemaExtensions: undefined });
  });

  it('when the User schema is read, then it lists every attribute of RFC 7643 §8.7.1 and no common attribute', () => {
    const [user] = schemaDocuments();
    assert.deepEqual(
      user.attributes.map((attribute) => attribute.name),
      ['userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active', 'password', 'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates'],
    );
  });
});

type Expected = { schema: string; attribute: string; subAttribute?: string; facts?: Partial<AttributeDefinition> } | null;

const RESOLVED: Array<[ResourceTypeName, AttributePath, Expected]> = [
  ['User', { attribute: 'USERNAME' }, { schema: USER_SCHEMA_ID, attribute: 'userName', facts: { caseExact: false, uniqueness: 'server', required: true } }],
  ['User', { attribute: 'name', subAttribute: 'GIVENname' }, { schema: USER_SCHEMA_ID, attribute: 'name', subAttribute: 'givenName' }],
  ['User', { attribute: 'password' }, { schema: USER_SCHEMA_ID, attribute: 'password', facts: { mutability: 'writeOnly', returned: 'never' } }],
  ['User', { attribute: 'groups' }, { schema: USER_SCHEMA_ID, attribute: 'groups', facts: { mutability: 'readOnly', multiValued: true } }],
  ['User', { attribute: 'emails', subAttribute: 'primary' }, { schema: USER_SCHEMA_ID, attribute: 'emails', subAttribute: 'primary', facts: { type: 'boolean' } }],
  ['User', { attribute: 'x509Certificates', subAttribute: 'value' }, { schema: USER_SCHEMA_ID, attribute: 'x509Certificates', subAttribute: 'value', facts: { type: 'binary' } }],
  ['User', { attribute: 'manager' }, { schema: ENTERPRISE_USER_SCHEMA_ID, attribute: 'manager', facts: { type: 'complex' } }],
  ['User', { uri: ENTERPRISE_USER_SCHEMA_ID.toLowerCase(), attribute: 'Manager', subAttribute: 'value' }, { schema: ENTERPRISE_USER_SCHEMA_ID, attribute: 'manager', subAttribute: 'value' }],
  ['User', { uri: ENTERPRISE_USER_SCHEMA_ID, attribute: 'employeeNumber' }, { schema: ENTERPRISE_USER_SCHEMA_ID, attribute: 'employeeNumber' }],
  ['User', { uri: USER_SCHEMA_ID, attribute: 'userName' }, { schema: USER_SCHEMA_ID, attribute: 'userName' }],
  ['User', { attribute: 'id' }, { schema: USER_SCHEMA_ID, attribute: 'id', facts: { caseExact: true, mutability: 'readOnly', returned: 'always' } }],
  ['User', { attribute: 'externalId' }, { schema: USER_SCHEMA_ID, attribute: 'externalId', facts: { caseExact: true } }],
  ['Group', { attribute: 'meta', subAttribute: 'lastModified' }, { schema: GROUP_SCHEMA_ID, attribute: 'meta', subAttribute: 'lastModified', facts: { type: 'dateTime' } }],
  ['Group', { attribute: 'members', subAttribute: '$REF' }, { schema: GROUP_SCHEMA_ID, attribute: 'members', subAttribute: '$ref' }],
  ['Group', { uri: GROUP_SCHEMA_ID, attribute: 'displayName' }, { schema: GROUP_SCHEMA_ID, attribute: 'displayName' }],
  // what no schema of the resource type defines, or defines elsewhere
  ['User', { uri: USER_SCHEMA_ID, attribute: 'manager' }, null],
  ['User', { uri: ENTERPRISE_USER_SCHEMA_ID, attribute: 'userName' }, null],
  ['User', { uri: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User', attribute: 'badge' }, null],
  ['User', { attribute: 'badge' }, null],
  ['User', { attribute: 'name', subAttribute: 'nickname' }, null],
  ['User', { attribute: 'userName', subAttribute: 'value' }, null],
  ['User', { attribute: 'members' }, null],
  ['Group', { attribute: 'manager' }, null],
  ['Group', { uri: USER_SCHEMA_ID, attribute: 'displayName' }, null],
];

describe('resolveAttribute', () => {
  for (const [resourceType, attributePath, expected] of RESOLVED) {
    it(`when a ${resourceType} path is ${JSON.stringify(attributePath)}, then it resolves to ${expected ? `${expected.attribute}${expected.subAttribute ? `.${expected.subAttribute}` : ''}` : 'nothing'}`, () => {
      const resolved = resolveAttribute(resourceType, attributePath);
      if (expected === null) {
        assert.equal(resolved, null);
        return;
      }
      assert.ok(resolved);
      assert.equal(resolved.schema.id, expected.schema);
      assert.equal(resolved.attribute.name, expected.attribute);
      assert.equal(resolved.subAttribute?.name, expected.subAttribute);
      const named = resolved.subAttribute ?? resolved.attribute;
      for (const [fact, value] of Object.entries(expected.facts ?? {})) assert.equal(named[fact as keyof AttributeDefinition], value, fact);
    });
  }
});
