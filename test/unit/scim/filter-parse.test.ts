import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributePath, CompareOperator, CompareValue, Filter, PatchPath } from '../../../src/scim/filter/ast';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, parsePatchPath } from '../../../src/scim/filter/parse';
import { ScimError } from '../../../src/scim/errors';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function path(attribute: string, subAttribute?: string, uri?: string): AttributePath {
  return { ...(uri ? { uri } : {}), attribute, ...(subAttribute ? { subAttribute } : {}) };
}
const compare = (operator: CompareOperator, on: AttributePath, value: CompareValue): Filter => ({ kind: 'compare', operator, path: on, value });
const eq = (attribute: string, value: CompareValue) => compare('eq', path(attribute), value);
const pr = (on: AttributePath): Filter => ({ kind: 'present', path: on });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const valuePath = (on: AttributePath, filter: Filter): Filter => ({ kind: 'valuePath', path: on, filter });

const PARSED: Array<[string, Filter]> = [
  // every operator
  ['userName eq "bjensen"', eq('userName', 'bjensen')],
  ['userName ne "bjensen"', compare('ne', path('userName'), 'bjensen')],
  ['name.familyName co "O\'Malley"', compare('co', path('name', 'familyName'), "O'Malley")],
  ['userName sw "J"', compare('sw', path('userName'), 'J')],
  ['userName ew "@contoso.com"', compare('ew', path('userName'), '@contoso.com')],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', compare('gt', path('meta', 'lastModified'), '2011-05-13T04:42:34Z')],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', compare('ge', path('meta', 'lastModified'), '2011-05-13T04:42:34Z')],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', compare('lt', path('meta', 'lastModified'), '2011-05-13T04:42:34Z')],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', compare('le', path('meta', 'lastModified'), '2011-05-13T04:42:34Z')],
  ['title pr', pr(path('title'))],
  // case-insensitive operators, keywords and literals; names keep their case
  ['UserName EQ "x"', eq('UserName', 'x')],
  ['title PR AND userType Eq "Employee"', and(pr(path('title')), eq('userType', 'Employee'))],
  ['title pr Or NOT (active eq TRUE)', or(pr(path('title')), not(eq('active', true)))],
  ['active eq False', eq('active', false)],
  ['manager eq NULL', eq('manager', null)],
  // precedence and associativity
  ['a eq 1 or b eq 2 and c eq 3', or(eq('a', 1), and(eq('b', 2), eq('c', 3)))],
  ['a eq 1 and b eq 2 or c eq 3', or(and(eq('a', 1), eq('b', 2)), eq('c', 3))],
  ['a pr and b pr and c pr', and(and(pr(path('a')), pr(path('b'))), pr(path('c')))],
  ['a pr or b pr or c pr', or(or(pr(path('a')), pr(path('b'))), pr(path('c')))],
  ['(a eq 1 or b eq 2) and c eq 3', and(or(eq('a', 1), eq('b', 2)), eq('c', 3))],
  ['((a pr))', pr(path('a'))],
  ['not (a pr) and b pr', and(not(pr(path('a'))), pr(path('b')))],
  ['not(not(a pr))', not(not(pr(path('a'))))],
  // RFC 7644 §3.4.2.2 examples
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    and(eq('userType', 'Employee'), or(compare('co', path('emails'), 'example.com'), compare('co', path('emails', 'value'), 'example.org'))),
  ],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    and(compare('ne', path('userType'), 'Employee'), not(or(compare('co', path('emails'), 'example.com'), compare('co', path('emails', 'value'), 'example.org')))),
  ],
  ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', and(eq('userType', 'Employee'), valuePath(path('emails'), and(eq('type', 'work'), compare('co', path('value'), '@example.com'))))],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      valuePath(path('emails'), and(eq('type', 'work'), compare('co', path('value'), '@example.com'))),
      valuePath(path('ims'), and(eq('type', 'xmpp'), compare('co', path('value'), '@foo.com'))),
    ),
  ],
  // value paths
  ['emails[type eq "work" or primary eq true]', valuePath(path('emails'), or(eq('type', 'work'), eq('primary', true)))],
  ['emails[not (type eq "home")]', valuePath(path('emails'), not(eq('type', 'home')))],
  ['emails[(type eq "work")]', valuePath(path('emails'), eq('type', 'work'))],
  ['members[$ref pr]', valuePath(path('members'), pr(path('$ref')))],
  [`${CORE_USER}:emails[value pr]`, valuePath(path('emails', undefined, CORE_USER), pr(path('value')))],
  // Entra ID's valuePath followed by a sub-attribute and a comparison
  ['emails[type eq "work"].value eq "x@contoso.com"', valuePath(path('emails'), and(eq('type', 'work'), eq('value', 'x@contoso.com')))],
  ['addresses[type eq "work"].postalCode pr', valuePath(path('addresses'), and(eq('type', 'work'), pr(path('postalCode'))))],
  ['emails[type eq "work"] . value eq "x"', valuePath(path('emails'), and(eq('type', 'work'), eq('value', 'x')))],
  // URN-qualified paths
  [`${CORE_USER}:userName eq "bjensen"`, compare('eq', path('userName', undefined, CORE_USER), 'bjensen')],
  [`${CORE_USER}:name.familyName sw "J"`, compare('sw', path('name', 'familyName', CORE_USER), 'J')],
  [`${ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`, compare('eq', path('manager', undefined, ENTERPRISE), '26118915-6090-4610-87e4-49d8ca9f808d')],
  [`${ENTERPRISE}:manager.value eq "m1"`, compare('eq', path('manager', 'value', ENTERPRISE), 'm1')],
  [`${ENTERPRISE}:employeeNumber pr`, pr(path('employeeNumber', undefined, ENTERPRISE))],
  ['urn:acme:custom:1.5:User:badge-id eq "B_7"', compare('eq', path('badge-id', undefined, 'urn:acme:custom:1.5:User'), 'B_7')],
  // strings
  ['displayName eq "say \\"hi\\""', eq('displayName', 'say "hi"')],
  ['displayName eq "back\\\\slash"', eq('displayName', 'back\\slash')],
  ['displayName eq "Ren\\u00e9e"', eq('displayName', 'Renée')],
  ['displayName eq "a\\/b\\tc\\nd"', eq('displayName', 'a/b\tc\nd')],
  ['displayName eq ""', eq('displayName', '')],
  ['displayName eq "Zoë ❤ and or not ( ) [ ]"', eq('displayName', 'Zoë ❤ and or not ( ) [ ]')],
  // numbers
  ['age eq 42', eq('age', 42)],
  ['age gt -7', compare('gt', path('age'), -7)],
  ['score le 3.25', compare('le', path('score'), 3.25)],
  ['big lt 1.5e3', compare('lt', path('big'), 1500)],
  ['tiny ge -2E-2', compare('ge', path('tiny'), -0.02)],
  ['zero eq 0', eq('zero', 0)],
  // names
  ['x509Certificates.value pr', pr(path('x509Certificates', 'value'))],
  ['cost_center-2 eq "x"', eq('cost_center-2', 'x')],
  // whitespace
  ['  userName \t eq\n"x"  ', eq('userName', 'x')],
  ['(a pr)and(b pr)', and(pr(path('a')), pr(path('b')))],
];

const REJECTED: Array<[string, string]> = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['userName eq "bjensen', 'not terminated'],
  ['userName eq', 'expected a value after "eq"'],
  ['userName', 'expected an operator'],
  ['userName eqq "x"', 'unknown operator "eqq"'],
  ['userName = "x"', 'unexpected character "="'],
  ['userName eq "x" or 1=1; DROP TABLE users', 'expected an attribute path'],
  ['userName eq "x"; DROP TABLE users', 'unexpected character ";"'],
  ['userName eq "x" userName eq "y"', 'expected "and", "or" or the end of the filter'],
  ['emails[type eq "work" and members[value eq "x"]]', 'cannot be nested'],
  ['userName eq bjensen', 'expected a value after "eq"'],
  ["userName eq 'bjensen'", 'unexpected character "\'"'],
  ['title pr "x"', '"pr" takes no value'],
  ['title pr true', '"pr" takes no value'],
  ['(userName eq "x"', 'expected "and", "or" or ")"'],
  ['userName eq "x")', 'expected "and", "or" or the end of the filter, found ")"'],
  ['emails[type eq "work"', 'expected "and", "or" or "]"'],
  ['emails[]', 'expected an attribute path'],
  ['not userName eq "x"', 'expected "(" after "not"'],
  ['userName eq "x" and', 'expected an attribute path'],
  ['or userName eq "x"', 'expected an attribute path, "not" or "(", found "or"'],
  ['age eq 01', 'is not a JSON number'],
  ['age eq 1.', 'is not a JSON number'],
  ['age eq -', 'is not a JSON number'],
  ['age eq 12abc', 'is not a JSON number'],
  ['age eq 1e999', 'is not a JSON number'],
  ['displayName eq "bad \\x escape"', 'is not a JSON escape'],
  ['displayName eq "\\u00g1"', 'four hexadecimal digits'],
  ['displayName eq "line\nbreak"', 'control characters'],
  ['name.givenName.first eq "x"', 'more than one sub-attribute'],
  ['name..givenName pr', 'more than one sub-attribute'],
  ['1userName eq "x"', 'is not a JSON number'],
  ['"userName" eq "x"', 'expected an attribute path'],
  ['user$name eq "x"', 'is not an attribute name'],
  ['emails[type eq "work"].value', 'expected an operator'],
  ['emails[type eq "work"].', 'expected a sub-attribute name'],
  ['name.givenName[value eq "x"]', 'must follow a multi-valued attribute'],
  ['emails[name.type eq "work"]', 'inside "[…]"'],
  [`emails[${CORE_USER}:type eq "work"]`, 'inside "[…]"'],
  ['userName: eq "x"', 'is not a schema URI'],
  ['urn::x eq "x"', 'is not a schema URI'],
  ['active gt', 'expected a value'],
  ['userName eq "x" and ()', 'expected an attribute path'],
  ['userName eq "x" [', 'expected "and", "or" or the end of the filter'],
];

function rejection(parse: () => unknown): ScimError {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be rejected');
}

describe('parseFilter', () => {
  for (const [input, expected] of PARSED) {
    it(`when the filter is ${JSON.stringify(input)}, then it parses to its tree`, () => {
      assert.deepEqual(parseFilter(input), expected);
    });
  }

  for (const [input, message] of REJECTED) {
    it(`when the filter is ${JSON.stringify(input)}, then it is an invalidFilter naming the problem`, () => {
      const error = rejection(() => parseFilter(input));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      assert.ok(error.message.includes(message), `${JSON.stringify(error.message)} should include ${JSON.stringify(message)}`);
    });
  }

  it('when a filter is malformed, then the message names the character where it went wrong', () => {
    assert.match(rejection(() => parseFilter('userName eqq "x"')).message, /^Invalid filter at character 10: /);
  });

  it('when the filter is not a string (a repeated query parameter), then it is an invalidFilter', () => {
    assert.equal(rejection(() => parseFilter(['a pr', 'b pr'] as unknown as string)).scimType, 'invalidFilter');
  });

  it(`when the filter is longer than ${MAX_FILTER_LENGTH} characters, then it is refused before parsing`, () => {
    const long = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    assert.match(rejection(() => parseFilter(long)).message, /at most 10000/);
  });

  it(`when parentheses nest ${MAX_FILTER_DEPTH} deep, then it parses, and one more is refused`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
    assert.deepEqual(parseFilter(nested(MAX_FILTER_DEPTH)), pr(path('a')));
    assert.match(rejection(() => parseFilter(nested(MAX_FILTER_DEPTH + 1))).message, /nested more than 50 levels/);
    assert.match(rejection(() => parseFilter('not ('.repeat(1000))).message, /nested more than 50 levels/);
  });

  it('when a long chain of "and" comes in, then it parses quickly into a left-leaning tree', () => {
    const terms = Array.from({ length: 700 }, (_, i) => `a${i} pr`);
    const started = process.hrtime.bigint();
    let filter = parseFilter(terms.join(' and '));
    assert.ok(process.hrtime.bigint() - started < 500_000_000n);
    let depth = 0;
    while (filter.kind === 'and') {
      assert.deepEqual(filter.right, pr(path(`a${699 - depth}`)));
      filter = filter.left;
      depth++;
    }
    assert.equal(depth, 699);
  });

  it('when the error quotes a long token, then the quote is shortened', () => {
    const message = rejection(() => parseFilter(`userName ${'q'.repeat(5000)} "x"`)).message;
    assert.ok(message.length < 200, message);
  });
});

const PATCH_PATHS: Array<[string, PatchPath]> = [
  ['members', { path: path('members') }],
  ['members[value eq "2819c223-7f76-453a-919d-413861904646"]', { path: path('members'), valueFilter: eq('value', '2819c223-7f76-453a-919d-413861904646') }],
  ['emails[type eq "work"].value', { path: path('emails'), valueFilter: eq('type', 'work'), subAttribute: 'value' }],
  ['addresses[type eq "work" and primary eq true].streetAddress', { path: path('addresses'), valueFilter: and(eq('type', 'work'), eq('primary', true)), subAttribute: 'streetAddress' }],
  ['name.givenName', { path: path('name', 'givenName') }],
  ['active', { path: path('active') }],
  [`${ENTERPRISE}:manager`, { path: path('manager', undefined, ENTERPRISE) }],
  [`${ENTERPRISE}:employeeNumber`, { path: path('employeeNumber', undefined, ENTERPRISE) }],
  [`${ENTERPRISE}:manager.value`, { path: path('manager', 'value', ENTERPRISE) }],
  [`${CORE_USER}:name.familyName`, { path: path('name', 'familyName', CORE_USER) }],
  ['  displayName  ', { path: path('displayName') }],
];

const REJECTED_PATHS: Array<[string, string]> = [
  ['', 'empty'],
  ['members[', 'expected an attribute path'],
  ['members[value eq "x"', 'expected "and", "or" or "]"'],
  ['members[value eq]', 'expected a value'],
  ['members[value eq "x"].', 'expected a sub-attribute name'],
  ['members[value eq "x"]value', 'expected the end of the path'],
  ['members[value eq "x"].value.more', 'expected a sub-attribute name'],
  ['emails[type eq "work"][value pr]', 'expected the end of the path'],
  ['name.givenName.more', 'more than one sub-attribute'],
  ['name.givenName[value eq "x"]', 'must follow a multi-valued attribute'],
  ['members value', 'expected the end of the path'],
  ['"members"', 'expected an attribute path'],
  ['members[value eq "x" and members[value eq "y"]]', 'cannot be nested'],
];

describe('parsePatchPath', () => {
  for (const [input, expected] of PATCH_PATHS) {
    it(`when the path is ${JSON.stringify(input)}, then it parses to its parts`, () => {
      assert.deepEqual(parsePatchPath(input), expected);
    });
  }

  for (const [input, message] of REJECTED_PATHS) {
    it(`when the path is ${JSON.stringify(input)}, then it is an invalidPath naming the problem`, () => {
      const error = rejection(() => parsePatchPath(input));
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidPath');
      assert.ok(error.message.includes(message), `${JSON.stringify(error.message)} should include ${JSON.stringify(message)}`);
    });
  }
});
