import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IdpMember, MemberChange } from '../../../src/domain/idp/idp.types';
import { ScimError, type ScimType } from '../../../src/scim/errors';
import { applyPatch, memberChange, readPatchRequest, splitGroupOperations, type PatchOperation } from '../../../src/scim/patch';
import type { Json } from '../../../src/scim/resource';
import type { ResourceTypeName } from '../../../src/scim/schema/definitions';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:acme:custom:1.5:User';
const ALEX = '4f5a7c1e-2b3d-4e6f-8a9b-0c1d2e3f4a5b';

/** Megan as Entra's POST left her: the body without meta, booleans coerced. */
const MEGAN = {
  schemas: [CORE_USER, ENTERPRISE],
  externalId: 'meganb',
  userName: 'megan.bowen@contoso.example',
  active: true,
  name: { formatted: 'Megan Bowen', familyName: 'Bowen', givenName: 'Megan' },
  roles: [],
  emails: [{ primary: true, type: 'work', value: 'megan.bowen@contoso.example' }],
};

const LEE = {
  schemas: [CORE_USER, ENTERPRISE],
  externalId: 'leeg',
  userName: 'lee.gu@contoso.example',
  active: true,
  name: { formatted: 'Lee Gu', familyName: 'Gu', givenName: 'Lee' },
  roles: [],
  emails: [{ primary: true, type: 'work', value: 'lee.gu@contoso.example' }],
};

/** RFC 7644's Babs, with an enterprise extension and one no schema here defines. */
const BABS = {
  schemas: [CORE_USER, ENTERPRISE, ACME],
  userName: 'bjensen',
  displayName: 'Babs Jensen',
  nickName: 'Babs',
  active: true,
  name: { familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true },
    { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood' },
  ],
  x509Certificates: [{ value: 'MIIDQzCC' }],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'm-1', displayName: 'John Smith' } },
  [ACME]: { badge: 42 },
};

/** Babs with some attributes changed: `changes` are merged over her top-level attributes. */
function babs(changes: Json): Json {
  return { ...structuredClone(BABS), ...changes };
}

function message(operations: unknown[]): Json {
  return { schemas: [PATCH_OP], Operations: operations };
}

function patched(resource: Json, operations: unknown[], resourceType: ResourceTypeName = 'User'): Json {
  return applyPatch(resource, readPatchRequest(message(operations)), resourceType);
}

/** Frozen all the way down, so that any mutation of the input throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function rejection(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ScimError');
}

async function asyncRejection(run: () => Promise<unknown>): Promise<ScimError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ScimError');
}

const APPLIED: Array<[string, Json, unknown[], Json]> = [
  // RFC 7644 §3.5.2.1 add
  [
    'an add without a path carries attributes (the RFC example)',
    BABS,
    [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'babs@example.org', type: 'other' }], nickname: 'Barbie' } }],
    babs({ nickName: 'Barbie', emails: [...BABS.emails, { value: 'babs@example.org', type: 'other' }] }),
  ],
  [
    'an add to a multi-valued attribute appends, skipping values already there',
    BABS,
    [{ op: 'add', path: 'emails', value: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'b@x.org', type: 'other' }] }],
    babs({ emails: [...BABS.emails, { value: 'b@x.org', type: 'other' }] }),
  ],
  [
    'an add of a single value to a multi-valued attribute appends it as one element',
    BABS,
    [{ op: 'add', path: 'emails', value: { value: 'b@x.org' } }],
    babs({ emails: [...BABS.emails, { value: 'b@x.org' }] }),
  ],
  [
    'an add repeats a stored value with its boolean as a string',
    BABS,
    [{ op: 'add', path: 'emails', value: { value: 'bjensen@example.com', type: 'work', primary: 'True' } }],
    babs({}),
  ],
  [
    'an add of a new primary value makes the others not primary (RFC 7644 §3.5.2)',
    BABS,
    [{ op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'work', primary: 'True' }] }],
    babs({ emails: [{ ...BABS.emails[0], primary: false }, BABS.emails[1], { value: 'new@x.org', type: 'work', primary: true }] }),
  ],
  [
    'an add to a complex attribute merges its sub-attributes',
    BABS,
    [{ op: 'add', path: 'name', value: { honorificPrefix: 'Ms.', givenName: 'Babs' } }],
    babs({ name: { familyName: 'Jensen', givenName: 'Babs', middleName: 'Jane', honorificPrefix: 'Ms.' } }),
  ],
  ['an add to a simple attribute sets it', BABS, [{ op: 'add', path: 'title', value: 'Tour Guide' }], babs({ title: 'Tour Guide' })],
  ['an add of null adds nothing', BABS, [{ op: 'add', path: 'title', value: null }], babs({})],
  [
    'an add to a sub-attribute creates its parent',
    { userName: 'u' },
    [{ op: 'add', path: 'name.givenName', value: 'Ann' }],
    { userName: 'u', name: { givenName: 'Ann' } },
  ],
  [
    'an add to a filtered sub-attribute sets it on the matching element',
    BABS,
    [{ op: 'add', path: 'addresses[type eq "home"].postalCode', value: '90028' }],
    babs({ addresses: [BABS.addresses[0], { ...BABS.addresses[1], postalCode: '90028' }] }),
  ],
  [
    'an add to a filtered path with no matching element creates it from the filter',
    BABS,
    [{ op: 'add', path: 'emails[type eq "other" and primary eq false].value', value: 'o@x.org' }],
    babs({ emails: [...BABS.emails, { type: 'other', primary: false, value: 'o@x.org' }] }),
  ],
  [
    'an add of a whole value to a filtered path merges it into the match',
    BABS,
    [{ op: 'add', path: 'emails[type eq "home"]', value: { display: 'Home' } }],
    babs({ emails: [BABS.emails[0], { ...BABS.emails[1], display: 'Home' }] }),
  ],
  [
    'an add of a sub-attribute of a multi-valued attribute without a filter sets it on every element',
    BABS,
    [{ op: 'add', path: 'addresses.country', value: 'US' }],
    babs({ addresses: BABS.addresses.map((address) => ({ ...address, country: 'US' })) }),
  ],
  // RFC 7644 §3.5.2.3 replace
  [
    'a replace without a path replaces each attribute it carries (the RFC example)',
    BABS,
    [{ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }], nickName: 'Barbie' } }],
    babs({ nickName: 'Barbie', emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] }),
  ],
  [
    'a replace of a multi-valued attribute replaces the whole list',
    BABS,
    [{ op: 'replace', path: 'emails', value: { value: 'only@x.org', type: 'work' } }],
    babs({ emails: [{ value: 'only@x.org', type: 'work' }] }),
  ],
  [
    'a replace of a complex attribute leaves the sub-attributes it does not give (RFC 7644 §3.5.2.3)',
    BABS,
    [{ op: 'replace', path: 'name', value: { givenName: 'Babs', middleName: null } }],
    babs({ name: { familyName: 'Jensen', givenName: 'Babs' } }),
  ],
  [
    'a replace of a filtered element replaces it whole (the RFC example)',
    BABS,
    [{ op: 'replace', path: 'addresses[type eq "work"]', value: { type: 'work', streetAddress: '911 Universal City Plaza', primary: true } }],
    babs({ addresses: [{ type: 'work', streetAddress: '911 Universal City Plaza', primary: true }, BABS.addresses[1]] }),
  ],
  [
    'a replace of a filtered sub-attribute sets it on each match (the RFC example)',
    BABS,
    [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }],
    babs({ addresses: [{ ...BABS.addresses[0], streetAddress: '1010 Broadway Ave' }, BABS.addresses[1]] }),
  ],
  [
    'a replace that makes another element primary makes the old one not primary',
    BABS,
    [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
    babs({ emails: [{ ...BABS.emails[0], primary: false }, { ...BABS.emails[1], primary: true }] }),
  ],
  [
    'a replace of a filtered path that matches nothing creates the element, as Entra needs',
    BABS,
    [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0199' }],
    babs({ phoneNumbers: [{ type: 'work', value: '+1 555 0199' }] }),
  ],
  ['a replace with null removes the attribute', BABS, [{ op: 'replace', path: 'nickName', value: null }], (({ nickName: _, ...rest }) => rest)(structuredClone(BABS))],
  [
    'a replace of an attribute that is not there adds it',
    BABS,
    [{ op: 'replace', path: 'name.honorificSuffix', value: 'III' }],
    babs({ name: { ...BABS.name, honorificSuffix: 'III' } }),
  ],
  // RFC 7644 §3.5.2.2 remove
  ['a remove of a single-valued attribute drops it', BABS, [{ op: 'remove', path: 'displayName' }], (({ displayName: _, ...rest }) => rest)(structuredClone(BABS))],
  ['a remove of a sub-attribute drops only it', BABS, [{ op: 'remove', path: 'name.middleName' }], babs({ name: { familyName: 'Jensen', givenName: 'Barbara' } })],
  [
    'a remove with a filter drops the matching elements (the RFC example)',
    BABS,
    [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }],
    babs({ emails: [BABS.emails[1]] }),
  ],
  [
    'a remove with a filter followed by a sub-attribute drops it from the matching elements',
    BABS,
    [{ op: 'remove', path: 'addresses[type eq "work"].primary' }],
    babs({ addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }, BABS.addresses[1]] }),
  ],
  ['a remove with a filter that matches nothing changes nothing', BABS, [{ op: 'remove', path: 'emails[type eq "pager"]' }], babs({})],
  ['a remove of the last value leaves the attribute unassigned', BABS, [{ op: 'remove', path: 'x509Certificates[value eq "MIIDQzCC"]' }], (({ x509Certificates: _, ...rest }) => rest)(structuredClone(BABS))],
  ['a remove of a whole multi-valued attribute drops it', BABS, [{ op: 'remove', path: 'emails' }], (({ emails: _, ...rest }) => rest)(structuredClone(BABS))],
  ['a remove of an attribute that is not there changes nothing', BABS, [{ op: 'remove', path: 'title' }], babs({})],
  [
    'a remove with a value list drops only the listed values, matched by value in any case',
    BABS,
    [{ op: 'Remove', path: 'emails', value: [{ value: 'BABS@jensen.org' }] }],
    babs({ emails: [BABS.emails[0]] }),
  ],
  // Letter case
  [
    'op names and attribute names are matched in any letter case, and stored keys keep theirs',
    { USERNAME: 'u', Emails: [{ Type: 'Work', VALUE: 'a@x.org' }], NAME: { GivenName: 'A' } },
    [
      { op: 'REPLACE', path: 'userName', value: 'v' },
      { op: 'rePlace', path: 'emails[type eq "work"].value', value: 'b@x.org' },
      { op: 'Add', path: 'Name.givenname', value: 'B' },
    ],
    { USERNAME: 'v', Emails: [{ Type: 'Work', VALUE: 'b@x.org' }], NAME: { GivenName: 'B' } },
  ],
  [
    'a new key is written as the path writes it',
    { userName: 'u' },
    [{ op: 'add', path: 'NickName', value: 'n' }],
    { userName: 'u', NickName: 'n' },
  ],
  // Booleans as strings
  ['"False" becomes false where the schema says boolean', BABS, [{ op: 'Replace', path: 'active', value: 'False' }], babs({ active: false })],
  [
    'boolean strings become booleans in path-less values and sub-attributes too',
    BABS,
    [{ op: 'replace', value: { active: 'false', 'emails[type eq "home"].primary': 'TRUE' } }],
    babs({ active: false, emails: [{ ...BABS.emails[0], primary: false }, { ...BABS.emails[1], primary: true }] }),
  ],
  ['a string stays a string where the schema does not say boolean', BABS, [{ op: 'add', path: 'title', value: 'False' }], babs({ title: 'False' })],
  // Extensions and the manager
  [
    'the manager as a bare id becomes { value } (Entra default dialect)',
    BABS,
    [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: ALEX }],
    babs({ [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: ALEX } } }),
  ],
  [
    'the manager as { value } merges into the manager',
    BABS,
    [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: ALEX } }],
    babs({ [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: ALEX, displayName: 'John Smith' } } }),
  ],
  [
    'a manager sub-attribute path sets it',
    BABS,
    [{ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: ALEX }],
    babs({ [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: ALEX, displayName: 'John Smith' } } }),
  ],
  [
    'an unqualified extension attribute addresses the extension, created and listed in schemas',
    { schemas: [CORE_USER], userName: 'u' },
    [
      { op: 'add', path: 'manager', value: ALEX },
      { op: 'replace', path: 'department', value: 'Sales' },
    ],
    { schemas: [CORE_USER, ENTERPRISE], userName: 'u', [ENTERPRISE]: { manager: { value: ALEX }, department: 'Sales' } },
  ],
  [
    'a core-URN-qualified path addresses the top level',
    BABS,
    [{ op: 'replace', path: `${CORE_USER}:name.givenName`, value: 'Babs' }],
    babs({ name: { ...BABS.name, givenName: 'Babs' } }),
  ],
  [
    'a path-less value may hold dotted names and URN-qualified names (aadOptscim062020)',
    { userName: 'u' },
    [{ op: 'replace', value: { 'name.givenName': 'Ann', [`${CORE_USER}:displayName`]: 'Ann', [`${ENTERPRISE}:employeeNumber`]: 'E-1' } }],
    { schemas: [CORE_USER, ENTERPRISE], userName: 'u', name: { givenName: 'Ann' }, displayName: 'Ann', [ENTERPRISE]: { employeeNumber: 'E-1' } },
  ],
  [
    'a path-less value may hold a schema URN with the attributes of that extension',
    BABS,
    [{ op: 'add', value: { [ENTERPRISE]: { department: 'Sales', manager: ALEX }, [CORE_USER]: { title: 'Lead' } } }],
    babs({ title: 'Lead', [ENTERPRISE]: { employeeNumber: '701984', department: 'Sales', manager: { value: ALEX } } }),
  ],
  [
    'a schema URN as the path applies the value inside that extension',
    { schemas: [CORE_USER], userName: 'u' },
    [{ op: 'replace', path: ENTERPRISE, value: { costCenter: 'CC-9' } }],
    { schemas: [CORE_USER, ENTERPRISE], userName: 'u', [ENTERPRISE]: { costCenter: 'CC-9' } },
  ],
  [
    'a remove of a schema URN drops the extension and its place in schemas',
    BABS,
    [{ op: 'remove', path: ENTERPRISE }],
    (({ [ENTERPRISE]: _, ...rest }) => ({ ...rest, schemas: [CORE_USER, ACME] }))(structuredClone(BABS)),
  ],
  [
    'an extension no schema defines is addressed by its URN, and its attributes stored as sent',
    BABS,
    [
      { op: 'replace', path: `${ACME}:badge`, value: { id: 43, colour: 'red' } },
      { op: 'add', path: 'urn:acme:other:1.0:User:level', value: 7 },
    ],
    babs({ schemas: [...BABS.schemas, 'urn:acme:other:1.0:User'], [ACME]: { badge: { id: 43, colour: 'red' } }, 'urn:acme:other:1.0:User': { level: 7 } }),
  ],
  ['an unknown attribute is stored as sent', BABS, [{ op: 'add', path: 'shoeSize', value: { eu: 38 } }], babs({ shoeSize: { eu: 38 } })],
  ['schemas may be changed', BABS, [{ op: 'add', path: 'schemas', value: 'urn:x:1.0:User' }], babs({ schemas: [...BABS.schemas, 'urn:x:1.0:User'] })],
  [
    'operations apply in order, each on the result of the one before',
    BABS,
    [
      { op: 'add', path: 'emails[type eq "other"].value', value: 'o@x.org' },
      { op: 'replace', path: 'emails[type eq "other"].value', value: 'p@x.org' },
      { op: 'remove', path: 'emails[type eq "home"]' },
    ],
    babs({ emails: [BABS.emails[0], { type: 'other', value: 'p@x.org' }] }),
  ],
  [
    'a group attribute is replaced',
    { schemas: [CORE_GROUP], displayName: 'jira-software-users', externalId: 'x' },
    [{ op: 'Replace', path: 'displayName', value: 'jira-software-users-emea' }],
    { schemas: [CORE_GROUP], displayName: 'jira-software-users-emea', externalId: 'x' },
  ],
];

describe('applyPatch', () => {
  for (const [when, resource, operations, expected] of APPLIED) {
    it(`when ${when}, then the resource is patched and the input left alone`, () => {
      const input = deepFreeze(structuredClone(resource));
      const type: ResourceTypeName = JSON.stringify(resource).includes(CORE_GROUP) ? 'Group' : 'User';
      assert.deepEqual(applyPatch(input, deepFreeze(readPatchRequest(message(operations))), type), expected);
      assert.deepEqual(input, resource);
    });
  }
});

describe('applyPatch on the PATCH bodies of ../shared/entra/scenarios.json', () => {
  it('when Entra updates a user in the default dialect, then each body gives what the next read expects', () => {
    let megan: Json = deepFreeze(structuredClone(MEGAN));
    megan = patched(megan, [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'megan.b@contoso.example' },
      { op: 'Replace', path: 'name.familyName', value: 'Bowen-Smith' },
      { op: 'Replace', path: 'title', value: 'Marketing Manager' },
      { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Marketing' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: ALEX },
    ]);
    assert.deepEqual(megan, {
      ...MEGAN,
      emails: [{ primary: true, type: 'work', value: 'megan.b@contoso.example' }],
      name: { formatted: 'Megan Bowen', familyName: 'Bowen-Smith', givenName: 'Megan' },
      title: 'Marketing Manager',
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
      addresses: [{ type: 'work', locality: 'Redmond' }],
      [ENTERPRISE]: { department: 'Marketing', manager: { value: ALEX } },
    });
    const afterFirst = megan;
    megan = patched(megan, [{ op: 'Replace', path: 'userName', value: 'megan.bowen-smith@contoso.example' }]);
    assert.deepEqual(megan, { ...afterFirst, userName: 'megan.bowen-smith@contoso.example' });
    megan = patched(megan, [{ op: 'Replace', path: 'active', value: 'False' }]);
    assert.equal(megan.active, false);
    megan = patched(megan, [{ op: 'Replace', path: 'active', value: 'True' }]);
    assert.equal(megan.active, true);
    megan = patched(megan, [{ op: 'Remove', path: `${ENTERPRISE}:manager` }]);
    assert.deepEqual(megan, { ...afterFirst, userName: 'megan.bowen-smith@contoso.example', [ENTERPRISE]: { department: 'Marketing' } });
  });

  it('when Entra updates a user in the aadOptscim062020 dialect, then each body gives what the next read expects', () => {
    let lee: Json = deepFreeze(structuredClone(LEE));
    lee = patched(lee, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'lee.gu@fabrikam.example' },
      {
        op: 'replace',
        value: { 'name.givenName': 'Leland', 'name.familyName': 'Gu', displayName: 'Leland Gu', [`${ENTERPRISE}:employeeNumber`]: 'E-2002' },
      },
    ]);
    const afterFirst = {
      ...LEE,
      emails: [{ primary: true, type: 'work', value: 'lee.gu@fabrikam.example' }],
      name: { formatted: 'Lee Gu', familyName: 'Gu', givenName: 'Leland' },
      displayName: 'Leland Gu',
      [ENTERPRISE]: { employeeNumber: 'E-2002' },
    };
    assert.deepEqual(lee, afterFirst);
    lee = patched(lee, [{ op: 'add', path: 'nickName', value: 'lee' }]);
    assert.deepEqual(lee, { ...afterFirst, nickName: 'lee' });
    lee = patched(lee, [{ op: 'replace', path: 'active', value: false }]);
    assert.deepEqual(lee, { ...afterFirst, nickName: 'lee', active: false });
  });

  it('when Entra renames a group, then only displayName changes and no member operation is left', () => {
    const operations = readPatchRequest(message([{ op: 'Replace', path: 'displayName', value: 'jira-software-users-emea' }]));
    const { resourceOperations, memberOperations } = splitGroupOperations(operations);
    assert.deepEqual(memberOperations, []);
    const group = { schemas: [CORE_GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], externalId: 'e', displayName: 'jira-software-users' };
    assert.deepEqual(applyPatch(group, resourceOperations, 'Group'), { ...group, displayName: 'jira-software-users-emea' });
  });
});

const REJECTED_MESSAGES: Array<[string, unknown, ScimType, string]> = [
  ['the body is not an object', [], 'invalidSyntax', 'JSON object'],
  ['schemas lacks the PatchOp URN', { schemas: [CORE_USER], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax', PATCH_OP],
  ['Operations is missing', { schemas: [PATCH_OP] }, 'invalidSyntax', 'non-empty array'],
  ['Operations is empty', message([]), 'invalidSyntax', 'non-empty array'],
  ['Operations is an object', { schemas: [PATCH_OP], Operations: { op: 'add' } }, 'invalidSyntax', 'non-empty array'],
  ['there are more than 1000 operations', message(Array.from({ length: 1001 }, () => ({ op: 'remove', path: 'title' }))), 'invalidSyntax', 'at most 1000'],
  ['an operation is not an object', message(['add']), 'invalidSyntax', 'Operations[0] must be an object'],
  ['an op name is unknown', message([{ op: 'copy', path: 'title' }]), 'invalidSyntax', '"copy"'],
  ['an op name is missing', message([{ path: 'title', value: 'x' }]), 'invalidSyntax', 'missing'],
  ['an add has no value', message([{ op: 'add', path: 'title' }]), 'invalidValue', 'needs a value'],
  ['a path is not a string', message([{ op: 'remove', path: 5 }]), 'invalidPath', 'must be a string'],
  ['a path is malformed', message([{ op: 'remove', path: 'emails[type eq "work"' }]), 'invalidPath', 'emails[type eq'],
];

const REJECTED_PATCHES: Array<[string, unknown[], ScimType, string]> = [
  ['a remove has no path', [{ op: 'remove' }], 'noTarget', 'needs a path'],
  ['a filtered path matching nothing is not made of "eq"s joined by "and"', [{ op: 'add', path: 'emails[type eq "a" or type eq "b"].value', value: 'x' }], 'noTarget', 'no value matches'],
  ['a filtered path matching nothing compares with "sw"', [{ op: 'replace', path: 'phoneNumbers[type sw "mob"].value', value: 'x' }], 'noTarget', 'no value matches'],
  ['id is replaced', [{ op: 'replace', path: 'id', value: 'x' }], 'mutability', 'read-only'],
  ['meta is changed through a path-less value', [{ op: 'add', value: { 'meta.version': 'W/"9"' } }], 'mutability', 'read-only'],
  ['the read-only groups are removed', [{ op: 'remove', path: 'groups' }], 'mutability', 'read-only'],
  ['the manager displayName is set', [{ op: 'add', path: `${ENTERPRISE}:manager.displayName`, value: 'x' }], 'mutability', 'read-only'],
  ['the core schema is removed', [{ op: 'remove', path: CORE_USER }], 'mutability', 'core schema'],
  ['userName is given an object', [{ op: 'replace', path: 'userName', value: { value: 'x' } }], 'invalidValue', 'userName must be a string'],
  ['active is given a word that is no boolean', [{ op: 'replace', value: { active: 'yes' } }], 'invalidValue', 'active must be a boolean'],
  ['name is given a string', [{ op: 'replace', path: 'name', value: 'Babs' }], 'invalidValue', 'name must be an object'],
  ['a single-valued attribute is given a list', [{ op: 'replace', path: 'displayName', value: ['a', 'b'] }], 'invalidValue', 'not a list'],
  ['an email is given a number for its value', [{ op: 'add', path: 'emails', value: [{ value: 5 }] }], 'invalidValue', 'emails.value must be a string'],
  ['a path-less add carries no object', [{ op: 'add', value: 'x' }], 'invalidValue', 'object whose keys'],
  ['a filtered path selects whole values with a string', [{ op: 'add', path: 'addresses[type eq "work"]', value: 'x' }], 'invalidValue', 'must be an object'],
  ['a path-less value has a malformed key', [{ op: 'replace', value: { 'name..givenName': 'x' } }], 'invalidPath', 'name..givenName'],
  ['a filter follows a single-valued attribute', [{ op: 'replace', path: 'name[givenName eq "Barbara"]', value: {} }], 'invalidPath', 'not one'],
  ['a simple attribute is given a sub-attribute', [{ op: 'add', path: 'title.short', value: 'x' }], 'invalidPath', 'no sub-attributes'],
  ['a filter compares in a way the schema rules out', [{ op: 'remove', path: 'emails[primary gt true]' }], 'invalidPath', 'gt'],
];

describe('readPatchRequest', () => {
  it('when a message is well formed, then it answers the operations with parsed paths and op names in lower case', () => {
    assert.deepEqual(
      readPatchRequest({ schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'a@x' }, { op: 'REMOVE', path: 'title' }, { op: 'replace', value: { title: 'x' } }] }),
      [
        {
          op: 'add',
          path: { path: { attribute: 'emails' }, valueFilter: { kind: 'compare', operator: 'eq', path: { attribute: 'type' }, value: 'work' }, subAttribute: 'value' },
          pathText: 'emails[type eq "work"].value',
          value: 'a@x',
        },
        { op: 'remove', path: { path: { attribute: 'title' } }, pathText: 'title', value: undefined },
        { op: 'replace', path: null, pathText: null, value: { title: 'x' } },
      ],
    );
  });

  it('when schemas is left out, or the member names are written in another case, then the message is still read', () => {
    assert.equal(readPatchRequest({ operations: [{ OP: 'add', Path: 'title', Value: 'x' }] })[0].value, 'x');
  });

  for (const [when, body, scimType, detail] of REJECTED_MESSAGES) {
    it(`when ${when}, then it is a 400 ${scimType}`, () => {
      const error = rejection(() => readPatchRequest(body));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, scimType);
      assert.ok(error.message.includes(detail), `${JSON.stringify(error.message)} should include ${JSON.stringify(detail)}`);
    });
  }
});

describe('applyPatch errors', () => {
  for (const [when, operations, scimType, detail] of REJECTED_PATCHES) {
    it(`when ${when}, then it is a 400 ${scimType}`, () => {
      const error = rejection(() => patched(deepFreeze(structuredClone(BABS)), operations));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, scimType);
      assert.ok(error.message.includes(detail), `${JSON.stringify(error.message)} should include ${JSON.stringify(detail)}`);
    });
  }

  it('when a later operation fails, then the error comes out and nothing of the earlier ones is visible in the input', () => {
    const input = deepFreeze(structuredClone(BABS));
    rejection(() => patched(input, [{ op: 'replace', path: 'title', value: 'x' }, { op: 'replace', path: 'id', value: 'y' }]));
    assert.deepEqual(input, BABS);
  });

  it('when the result is changed, then the operations it came from are not', () => {
    const operations = readPatchRequest(message([{ op: 'add', path: 'emails', value: [{ value: 'n@x.org' }] }]));
    const result = applyPatch(BABS, operations, 'User');
    (result.emails as Json[])[2].value = 'changed';
    assert.deepEqual(operations[0].value, [{ value: 'n@x.org' }]);
  });
});

describe('splitGroupOperations', () => {
  const split = (operations: unknown[]) => splitGroupOperations(readPatchRequest(message(operations)));
  const membersPath = (attribute = 'members', uri?: string) => ({ path: { ...(uri ? { uri } : {}), attribute } });

  it('when operations name members with or without a filter or URN, then they go to the member operations', () => {
    const { resourceOperations, memberOperations } = split([
      { op: 'Add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'Replace', path: 'displayName', value: 'g' },
      { op: 'remove', path: 'Members[value eq "u1"]' },
      { op: 'remove', path: `${CORE_GROUP}:members` },
    ]);
    assert.deepEqual(
      memberOperations.map((operation) => operation.pathText),
      ['members', 'Members[value eq "u1"]', `${CORE_GROUP}:members`],
    );
    assert.deepEqual(resourceOperations.map((operation) => operation.pathText), ['displayName']);
  });

  it('when a path-less value has a members key, then that key becomes a member operation and the others stay', () => {
    const { resourceOperations, memberOperations } = split([{ op: 'replace', value: { displayName: 'g', members: [{ value: 'u1' }] } }]);
    assert.deepEqual(memberOperations, [{ op: 'replace', path: membersPath(), pathText: 'members', value: [{ value: 'u1' }] }]);
    assert.deepEqual(resourceOperations, [{ op: 'replace', path: null, pathText: null, value: { displayName: 'g' } }]);
  });

  it('when a path-less value holds only members, also inside the core schema URN, then no resource operation is left', () => {
    const { resourceOperations, memberOperations } = split([
      { op: 'add', value: { members: [{ value: 'u1' }] } },
      { op: 'add', value: { [CORE_GROUP]: { members: [{ value: 'u2' }] } } },
    ]);
    assert.deepEqual(resourceOperations, []);
    assert.deepEqual(
      memberOperations.map((operation) => operation.value),
      [[{ value: 'u1' }], [{ value: 'u2' }]],
    );
  });
});

/** A loader that fails the test when called: Entra's member operations must never read the members. */
const NEVER = (): Promise<IdpMember[]> => assert.fail('members() must not be called');

const STORED: IdpMember[] = [
  { id: 'u1', type: 'User' },
  { id: 'u2', type: 'User' },
  { id: 'g1', type: 'Group' },
];

const FOLDED: Array<[string, unknown[], MemberChange | null, IdpMember[] | null]> = [
  [
    'Entra adds members (default dialect, $ref null)',
    [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { $ref: null, value: 'u2' }, { $ref: null, value: 'u3' }] }],
    { add: ['u1', 'u2', 'u3'], remove: [] },
    null,
  ],
  ['Entra adds members (aadOptscim062020)', [{ op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }], { add: ['u1', 'u2'], remove: [] }, null],
  ['Entra removes members with a value list', [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }] }], { add: [], remove: ['u2'] }, null],
  ['Entra removes a member by a value filter', [{ op: 'remove', path: 'members[value eq "u1"]' }], { add: [], remove: ['u1'] }, null],
  ['a filter names several ids joined by "or"', [{ op: 'remove', path: 'members[value eq "u1" or value eq "u2"]' }], { add: [], remove: ['u1', 'u2'] }, null],
  ['one member comes as an object, not a list', [{ op: 'add', path: 'members', value: { value: 'u9', display: 'Nine' } }], { add: ['u9'], remove: [] }, null],
  ['a path-less add carries members', [{ op: 'add', value: { members: [{ value: 'u1' }] } }], { add: ['u1'], remove: [] }, null],
  ['a remove with an empty value list', [{ op: 'remove', path: 'members', value: [] }], null, null],
  ['members are removed without a value', [{ op: 'remove', path: 'members' }], { add: [], remove: [], replaceWith: [] }, null],
  ['members are replaced', [{ op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u4' }] }], { add: [], remove: [], replaceWith: ['u1', 'u4'] }, null],
  ['members are replaced with null', [{ op: 'replace', path: 'members', value: null }], { add: [], remove: [], replaceWith: [] }, null],
  [
    'an id is added, then removed',
    [
      { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
      { op: 'remove', path: 'members', value: [{ value: 'u1' }] },
    ],
    { add: ['u2'], remove: ['u1'] },
    null,
  ],
  [
    'an id is removed, then added',
    [
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
    ],
    { add: ['u1'], remove: [] },
    null,
  ],
  [
    'members are replaced, then added to and removed from',
    [
      { op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
      { op: 'add', path: 'members', value: [{ value: 'u3' }] },
      { op: 'remove', path: 'members', value: [{ value: 'u1' }] },
    ],
    { add: [], remove: [], replaceWith: ['u2', 'u3'] },
    null,
  ],
  ['members are removed by another filter', [{ op: 'remove', path: 'members[type eq "group"]' }], { add: [], remove: ['g1'] }, STORED],
  [
    'a filter is applied to the members as earlier operations leave them',
    [
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'add', path: 'members', value: [{ value: 'u7' }] },
      { op: 'remove', path: 'members[value sw "u"]' },
    ],
    { add: [], remove: ['u1', 'u2', 'u7'] },
    STORED,
  ],
  [
    'a replace with a filter removes the matches and adds the value',
    [{ op: 'replace', path: 'members[type eq "User"]', value: [{ value: 'u5' }] }],
    { add: ['u5'], remove: ['u1', 'u2'] },
    STORED,
  ],
];

describe('memberChange', () => {
  const fold = (operations: unknown[], members: () => Promise<IdpMember[]>) =>
    memberChange(splitGroupOperations(readPatchRequest(message(operations))).memberOperations, members);

  for (const [when, operations, expected, stored] of FOLDED) {
    const reads = stored === null ? 'without reading the members' : 'reading the members';
    it(`when ${when}, then the net change is folded ${reads}`, async () => {
      assert.deepEqual(await fold(operations, stored === null ? NEVER : async () => stored), expected);
    });
  }

  it('when two operations need the members, then they are read once', async () => {
    let reads = 0;
    const members = async () => {
      reads++;
      return STORED;
    };
    await fold([{ op: 'remove', path: 'members[type eq "Group"]' }, { op: 'remove', path: 'members[type eq "User"]' }], members);
    assert.equal(reads, 1);
  });

  const REJECTED_MEMBERS: Array<[string, unknown[], ScimType]> = [
    ['a path names a member sub-attribute', [{ op: 'replace', path: 'members[value eq "u1"].display', value: 'x' }], 'invalidPath'],
    ['a path names members.value', [{ op: 'remove', path: 'members.value' }], 'invalidPath'],
    ['an add has a filter', [{ op: 'add', path: 'members[value eq "u1"]', value: [{ value: 'u1' }] }], 'invalidPath'],
    ['a member has no string value', [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], 'invalidValue'],
    ['a member is a bare id', [{ op: 'add', path: 'members', value: ['u1'] }], 'invalidValue'],
  ];
  for (const [when, operations, scimType] of REJECTED_MEMBERS) {
    it(`when ${when}, then it is a 400 ${scimType}`, async () => {
      const error = await asyncRejection(() => fold(operations, NEVER));
      assert.equal(error.scimType, scimType);
    });
  }

  it('when an operation is not about members, then it is an invalidPath', async () => {
    const operations: PatchOperation[] = readPatchRequest(message([{ op: 'replace', path: 'displayName', value: 'x' }]));
    assert.equal((await asyncRejection(() => memberChange(operations, NEVER))).scimType, 'invalidPath');
  });
});
