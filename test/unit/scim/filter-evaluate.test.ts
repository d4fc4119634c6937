import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimError } from '../../../src/scim/errors';
import { matchesFilter, validateFilter } from '../../../src/scim/filter/evaluate';
import { parseFilter } from '../../../src/scim/filter/parse';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const MANAGER_ID = '26118915-6090-4610-87e4-49d8ca9f808d';

/** A user as Entra ID provisions it, plus an extension no schema here defines. */
const BJENSEN = {
  schemas: [CORE_USER, ENTERPRISE, ACME],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Ext-701984',
  userName: 'Barbara.Jensen@Contoso.com',
  active: true,
  displayName: 'Babs Jensen',
  title: '',
  name: { formatted: 'Ms. Barbara J Jensen, III', familyName: 'Jensen', givenName: 'Barbara' },
  emails: [
    { value: 'bjensen@contoso.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [],
  addresses: [{ type: 'work', postalCode: '91608', country: 'US' }],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: MANAGER_ID } },
  [ACME]: { badgeNumber: 42, onSite: false },
  meta: { resourceType: 'User', created: '2024-01-23T04:56:22Z', lastModified: '2024-05-13T04:42:34.120Z' },
};

/** The same kind of user, written by a client that capitalises names its own way. */
const JSMITH = {
  SCHEMAS: [CORE_USER, ENTERPRISE],
  ID: 'u-2',
  USERNAME: 'JSmith',
  Active: false,
  Emails: [{ VALUE: 'John@Example.com', Type: 'Work' }],
  [ENTERPRISE.toUpperCase()]: { Manager: { Value: 'boss' } },
};

const TOUR_GUIDES = {
  schemas: [CORE_GROUP],
  id: 'g-1',
  displayName: 'Tour Guides',
  members: [{ value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' }, { value: 'abc' }],
};

const RESOURCES = {
  bjensen: { resource: BJENSEN, type: 'User' },
  jsmith: { resource: JSMITH, type: 'User' },
  group: { resource: TOUR_GUIDES, type: 'Group' },
} as const;

const MATCHES: Array<[keyof typeof RESOURCES, string, boolean]> = [
  // eq, ne and caseExact: userName is case-insensitive, id and externalId are not
  ['bjensen', 'userName eq "barbara.jensen@contoso.com"', true],
  ['bjensen', 'USERNAME eq "BARBARA.JENSEN@CONTOSO.COM"', true],
  ['bjensen', 'userName eq "bjensen"', false],
  ['bjensen', 'id eq "2819c223-7f76-453a-919d-413861904646"', true],
  ['bjensen', 'id eq "2819C223-7F76-453A-919D-413861904646"', false],
  ['bjensen', 'externalId eq "Ext-701984"', true],
  ['bjensen', 'externalId eq "ext-701984"', false],
  ['bjensen', 'userName ne "someone@contoso.com"', true],
  ['bjensen', 'userName ne "barbara.jensen@contoso.com"', false],
  ['bjensen', 'nickName ne "Babs"', true],
  // co, sw, ew
  ['bjensen', 'displayName co "BS JE"', true],
  ['bjensen', 'displayName co "Barbara"', false],
  ['bjensen', 'displayName sw "babs"', true],
  ['bjensen', 'displayName ew "JENSEN"', true],
  ['bjensen', 'displayName ew "Babs"', false],
  ['bjensen', 'name.familyName eq "jensen"', true],
  // gt, ge, lt, le on strings: lexicographic, ignoring case where the schema says so
  ['bjensen', 'name.givenName gt "Anna"', true],
  ['bjensen', 'name.givenName gt "barbara"', false],
  ['bjensen', 'name.givenName ge "BARBARA"', true],
  ['bjensen', 'name.givenName lt "carl"', true],
  ['bjensen', 'name.givenName lt "Barbara"', false],
  ['bjensen', 'name.givenName le "barbara"', true],
  // dateTime attributes compare as instants
  ['bjensen', 'meta.created gt "2024-01-01T00:00:00Z"', true],
  ['bjensen', 'meta.created lt "2024-01-01T00:00:00Z"', false],
  ['bjensen', 'meta.lastModified eq "2024-05-13T04:42:34.12Z"', true],
  ['bjensen', 'meta.lastModified gt "2024-05-13T06:42:34+02:00"', true],
  ['bjensen', 'meta.lastModified le "2024-05-13T06:42:34+02:00"', false],
  ['bjensen', 'meta.created ge "2024-01-23T04:56:22"', true],
  ['bjensen', 'meta.created co "2024-01"', true],
  // numbers compare numerically, and only with numbers
  ['bjensen', 'badgeNumber eq 42', true],
  ['bjensen', 'badgeNumber eq 42.0', true],
  ['bjensen', 'badgeNumber gt 41.5', true],
  ['bjensen', 'badgeNumber ge 43', false],
  ['bjensen', 'badgeNumber lt 42', false],
  ['bjensen', 'badgeNumber le 4.2e1', true],
  ['bjensen', 'badgeNumber eq "42"', false],
  // booleans compare strictly
  ['bjensen', 'active eq true', true],
  ['bjensen', 'active eq false', false],
  ['bjensen', 'active ne false', true],
  ['bjensen', 'onSite eq false', true],
  ['bjensen', 'active eq "true"', false],
  // pr, and null as absence
  ['bjensen', 'displayName pr', true],
  ['bjensen', 'title pr', false],
  ['bjensen', 'nickName pr', false],
  ['bjensen', 'phoneNumbers pr', false],
  ['bjensen', 'emails pr', true],
  ['bjensen', `${ACME}:onSite pr`, true],
  ['bjensen', 'nickName eq null', true],
  ['bjensen', 'title eq null', true],
  ['bjensen', 'displayName eq null', false],
  ['bjensen', 'displayName ne null', true],
  // multi-valued attributes: some element matches; a complex value stands for its `value`
  ['bjensen', 'emails.value eq "babs@jensen.org"', true],
  ['bjensen', 'emails.value eq "BJENSEN@contoso.com"', true],
  ['bjensen', 'emails eq "BJENSEN@contoso.com"', true],
  ['bjensen', 'emails co "jensen.org"', true],
  ['bjensen', 'emails.type eq "other"', false],
  ['bjensen', 'emails.type ne "work"', false],
  ['bjensen', 'emails.type ne "other"', true],
  // value paths: one element passes the whole bracketed filter
  ['bjensen', 'emails[type eq "work" and value co "@contoso"]', true],
  ['bjensen', 'emails[type eq "home" and value co "@contoso"]', false],
  ['bjensen', 'emails[type eq "home" or value co "@contoso"]', true],
  ['bjensen', 'emails[type eq "work"].value eq "bjensen@contoso.com"', true],
  ['bjensen', 'emails[type eq "home"].value eq "bjensen@contoso.com"', false],
  ['bjensen', 'emails[primary eq true]', true],
  ['bjensen', 'emails[not (primary pr)]', true],
  ['bjensen', 'addresses[type eq "work" and postalCode sw "916"]', true],
  ['bjensen', 'phoneNumbers[type eq "work"]', false],
  ['bjensen', 'name[givenName eq "barbara"]', true],
  // URN-qualified paths, and unqualified names found in an extension
  ['bjensen', `${ENTERPRISE}:employeeNumber eq "701984"`, true],
  ['bjensen', `${ENTERPRISE}:manager.value eq "${MANAGER_ID}"`, true],
  ['bjensen', `${ENTERPRISE}:manager eq "${MANAGER_ID}"`, true],
  ['bjensen', `manager eq "${MANAGER_ID}"`, true],
  ['bjensen', 'manager eq "someone-else"', false],
  ['bjensen', 'department eq "tour operations"', true],
  ['bjensen', `${CORE_USER}:userName sw "barbara"`, true],
  ['bjensen', `${CORE_USER}:name.givenName eq "Barbara"`, true],
  ['bjensen', `${CORE_USER}:department pr`, false],
  ['bjensen', `${ENTERPRISE}:userName pr`, false],
  ['bjensen', `${ACME}:badgeNumber eq 42`, true],
  // not, and, or
  ['bjensen', 'userName sw "barbara" and active eq true', true],
  ['bjensen', 'userName sw "x" and active eq true', false],
  ['bjensen', 'userName sw "x" or active eq true', true],
  ['bjensen', 'not (active eq true)', false],
  ['bjensen', 'not (userName sw "x") and (emails.type eq "home" or title pr)', true],
  ['bjensen', 'userName sw "x" or not (active eq true)', false],
  ['bjensen', 'userName sw "x" or active eq false or emails.type eq "home" and title pr', false],
  // names in the stored JSON in any letter case
  ['jsmith', 'userName eq "jsmith"', true],
  ['jsmith', 'id eq "u-2"', true],
  ['jsmith', 'active eq false', true],
  ['jsmith', 'emails[type eq "work"].value eq "john@example.com"', true],
  ['jsmith', `${ENTERPRISE}:manager eq "boss"`, true],
  ['jsmith', 'manager.value eq "BOSS"', true],
  // groups
  ['group', 'displayName eq "tour guides"', true],
  ['group', 'members.value eq "2819c223-7f76-453a-919d-413861904646"', true],
  ['group', 'members[value eq "abc"]', true],
  ['group', 'members[value eq "zzz"]', false],
  ['group', 'members eq "abc"', true],
  ['group', `${CORE_GROUP}:displayName sw "Tour"`, true],
  ['group', `${CORE_USER}:displayName pr`, false],
  ['group', 'externalId pr', false],
];

const INVALID: Array<[string, string]> = [
  ['active gt true', 'needs a string or a number'],
  ['active gt "a"', 'boolean attribute has no order'],
  ['emails gt "a"', 'complex attribute has no order'],
  [`${ENTERPRISE}:manager lt "x"`, 'complex attribute has no order'],
  ['x509Certificates.value ge "x"', 'binary attribute has no order'],
  ['displayName co 5', 'needs a string value'],
  ['displayName sw true', 'needs a string value'],
  ['displayName gt null', 'needs a string or a number'],
  ['meta.created gt "yesterday"', 'is not a dateTime'],
  ['meta.lastModified eq "2024-13"', 'is not a dateTime'],
  ['emails[primary gt true]', 'needs a string or a number'],
  ['emails[primary gt "a"]', 'boolean attribute has no order'],
  // thrown whatever the resource holds, even where evaluation would stop before reaching it
  ['userName eq "nobody" and active gt false', 'needs a string or a number'],
  ['nickName pr and emails[type gt "a" and primary lt 1]', 'boolean attribute has no order'],
];

describe('matchesFilter', () => {
  for (const [name, filter, expected] of MATCHES) {
    it(`when ${name} is filtered with ${JSON.stringify(filter)}, then it ${expected ? 'matches' : 'does not match'}`, () => {
      const { resource, type } = RESOURCES[name];
      assert.equal(matchesFilter(resource, parseFilter(filter), type), expected);
    });
  }

  for (const [filter, message] of INVALID) {
    it(`when the filter is ${JSON.stringify(filter)}, then it is an invalidFilter`, () => {
      assert.throws(
        () => matchesFilter(BJENSEN, parseFilter(filter), 'User'),
        (error) => error instanceof ScimError && error.scimType === 'invalidFilter' && error.status === 400 && error.message.includes(message),
      );
    });
  }

  it('when an attribute no schema defines holds objects, then ordering them matches nothing instead of failing', () => {
    const resource = { userName: 'x', [ACME]: { building: { value: 'B7' } } };
    assert.equal(matchesFilter(resource, parseFilter('building gt "A"'), 'User'), false);
    assert.equal(matchesFilter(resource, parseFilter('building eq "b7"'), 'User'), true);
  });
});

describe('validateFilter', () => {
  it('when a filter is one the schema allows, then it passes, and when not, then it is an invalidFilter', () => {
    validateFilter(parseFilter('userName eq "x" and meta.created gt "2024-01-01T00:00:00Z"'), 'User');
    assert.throws(() => validateFilter(parseFilter('members gt "x"'), 'Group'), ScimError);
  });
});
