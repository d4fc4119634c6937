import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transformation } from '../../../src/db/entities/attribute-mapping.entity';
import { DEFAULT_MAPPINGS, MappingDefinition, MappingError, MappingProgram, withMappedProperties } from '../../../src/policy/mapping';
import { scimPathReader } from '../../../src/scim/path-reader';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** An Entra-shaped user, as ../shared/entra sends it. */
const ADELE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  userName: 'Adele.Vance@contoso.example',
  displayName: 'Adele Vance',
  name: { givenName: 'Adele', familyName: 'Vance' },
  emails: [
    { type: 'home', value: 'adele@home.example' },
    { type: 'work', primary: true, value: 'adele.vance@contoso.example' },
  ],
  title: '  Retail Manager  ',
  [ENTERPRISE]: { department: 'Retail', employeeNumber: 'E-1001', manager: { value: 'mgr-1' } },
  groupsCsv: 'jira-users;confluence-users',
};

function mapping(source: string, transformations: Transformation[] = [], extra: Partial<MappingDefinition> = {}): MappingDefinition {
  return { target: 'PROPERTY', property: 'out', source, transformations, onNoMatch: 'KEEP', ...extra };
}

function run(definition: MappingDefinition, resource: Record<string, unknown> = ADELE) {
  return MappingProgram.compile([definition], scimPathReader).run(resource);
}

describe('attribute mapping: sources', () => {
  const table: Array<[string, string | undefined]> = [
    ['{userName}', 'Adele.Vance@contoso.example'],
    ['{USERNAME}', 'Adele.Vance@contoso.example'],
    ['{name.givenName} {name.familyName}', 'Adele Vance'],
    ['{emails[type eq "work"].value}', 'adele.vance@contoso.example'],
    ['{emails[primary eq true].value}', 'adele.vance@contoso.example'],
    [`{${ENTERPRISE}:department}`, 'Retail'],
    ['{department}', 'Retail'],
    [`{${ENTERPRISE}:manager.value}`, 'mgr-1'],
    ['{employeeNumber}-{name.familyName}', 'E-1001-Vance'],
    ['literal {{braces}}', 'literal {braces}'],
    ['{nickName}', undefined],
    ['{nickName}{title2}', undefined],
    ['{nickName}, {title2}', undefined],
    ['{nickName}, {name.givenName}', ', Adele'],
  ];
  for (const [source, expected] of table) {
    it(`when the source is ${source}, then it reads ${JSON.stringify(expected)}`, () => {
      assert.equal(run(mapping(source)).properties.out, expected);
    });
  }

  for (const source of ['{emails[type eq', '{name.givenName', 'text}', '{}']) {
    it(`when the source is ${JSON.stringify(source)}, then it is refused`, () => {
      assert.throws(() => MappingProgram.compile([mapping(source)], scimPathReader), MappingError);
    });
  }
});

describe('attribute mapping: transformations, in order', () => {
  const table: Array<[string, string, Transformation[], string | string[] | undefined]> = [
    ['lowercase', '{userName}', [{ fn: 'lowercase' }], 'adele.vance@contoso.example'],
    ['uppercase', '{name.familyName}', [{ fn: 'uppercase' }], 'VANCE'],
    ['trim', '{title}', [{ fn: 'trim' }], 'Retail Manager'],
    ['stripDomain', '{userName}', [{ fn: 'stripDomain' }, { fn: 'lowercase' }], 'adele.vance'],
    ['substring', '{name.givenName}', [{ fn: 'substring', args: { start: 0, length: 1 } }], 'A'],
    ['regexReplace with groups', '{userName}', [{ fn: 'regexReplace', args: { pattern: '^([^.]+)\\.([^@]+)@.*$', replacement: '$2, $1' } }], 'Vance, Adele'],
    ['split then join', '{groupsCsv}', [{ fn: 'split', args: { separator: ';' } }, { fn: 'uppercase' }, { fn: 'join', args: { separator: '|' } }], 'JIRA-USERS|CONFLUENCE-USERS'],
    ['split with an index', '{userName}', [{ fn: 'split', args: { separator: '@', index: 1 } }], 'contoso.example'],
    ['map', '{department}', [{ fn: 'map', args: { table: { retail: 'R-100', sales: 'S-200' } } }], 'R-100'],
    ['map with a default', '{title}', [{ fn: 'map', args: { table: { x: 'y' }, default: 'other' } }], 'other'],
    ['default value when empty', '{nickName}', [{ fn: 'default', args: { value: 'none' } }], 'none'],
    ['default from another path', '{nickName}', [{ fn: 'default', args: { source: '{name.givenName}' } }], 'Adele'],
    ['default leaves a value alone', '{name.givenName}', [{ fn: 'default', args: { value: 'none' } }], 'Adele'],
  ];
  for (const [name, source, transformations, expected] of table) {
    it(`when ${name} runs, then the result is ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(run(mapping(source, transformations)).properties.out, expected);
    });
  }

  const invalid: Transformation[] = [
    { fn: 'eval' },
    { fn: 'regexReplace', args: { pattern: '(', replacement: '' } },
    { fn: 'regexReplace', args: { pattern: '(?=x)', replacement: '' } },
    { fn: 'split', args: { separator: '' } },
    { fn: 'substring', args: { start: -1 } },
    { fn: 'map', args: { table: { a: 1 } } },
    { fn: 'default', args: {} },
  ];
  for (const transformation of invalid) {
    it(`when the transformation is ${JSON.stringify(transformation)}, then the mapping is refused`, () => {
      assert.throws(() => MappingProgram.compile([mapping('{userName}', [transformation])], scimPathReader), MappingError);
    });
  }
});

describe('attribute mapping: when nothing comes out', () => {
  const noMatch: Transformation[] = [{ fn: 'regexReplace', args: { pattern: '^admin-(.*)$', replacement: '$1' } }];
  it('when onNoMatch is KEEP, then the target is left as the directory has it', () => {
    const result = run(mapping('{userName}', noMatch, { target: 'DISPLAY_NAME', onNoMatch: 'KEEP' }));
    assert.equal('displayName' in result, false);
    assert.equal(result.dropped, false);
  });
  it('when onNoMatch is CLEAR, then the target is cleared', () => {
    assert.equal(run(mapping('{userName}', noMatch, { target: 'DISPLAY_NAME', onNoMatch: 'CLEAR' })).displayName, null);
  });
  it('when onNoMatch is DROP_USER, then the user is dropped', () => {
    assert.equal(run(mapping('{userName}', noMatch, { target: 'DISPLAY_NAME', onNoMatch: 'DROP_USER' })).dropped, true);
  });
  it('when a map has no entry and no default, then nothing comes out', () => {
    const result = run(mapping('{department}', [{ fn: 'map', args: { table: { sales: 'S' } } }], { onNoMatch: 'DROP_USER' }));
    assert.equal(result.dropped, true);
  });
});

describe('attribute mapping: targets and defaults', () => {
  it('when group names are mapped from a list, then each becomes a group name', () => {
    const result = run(mapping('{groupsCsv}', [{ fn: 'split', args: { separator: ';' } }], { target: 'GROUP_NAMES', property: null }));
    assert.deepEqual(result.groupNames, ['jira-users', 'confluence-users']);
  });

  it('when a mapped value is longer than its directory column, then it is cut to whole characters that fit, key included', () => {
    const long = { ...ADELE, title: `${'x'.repeat(300)}`, nickName: `${'İ'.repeat(127)}\u{1f600}${'y'.repeat(200)}` };
    const target = (target: MappingDefinition['target'], source: string) => run(mapping(source, [], { target, property: null }), long);
    assert.equal(target('DISPLAY_NAME', '{title}').displayName, 'x'.repeat(255));
    // 127 "İ" fold to 254 characters: the emoji (two UTF-16 units) would pass the key's 255, so it goes whole.
    assert.equal(target('FIRST_NAME', '{nickName}').firstName, 'İ'.repeat(127));
    assert.equal(run(mapping('{title}'), long).properties.out, 'x'.repeat(300));
  });

  it('when a mapped group name is longer than a group name may be, then it names no group, and the others stay', () => {
    const result = run(mapping('{groupsCsv}', [{ fn: 'split', args: { separator: ';' } }], { target: 'GROUP_NAMES', property: null }), {
      ...ADELE,
      groupsCsv: `jira-users;${'g'.repeat(256)};${'İ'.repeat(200)}`,
    });
    assert.deepEqual(result.groupNames, ['jira-users']);
  });

  it('when a connector has no mappings, then the defaults take userName, displayName, the work email and the names', () => {
    const result = MappingProgram.compile(DEFAULT_MAPPINGS, scimPathReader).run(ADELE);
    assert.deepEqual(
      { ...result },
      {
        userName: 'Adele.Vance@contoso.example',
        displayName: 'Adele Vance',
        email: 'adele.vance@contoso.example',
        firstName: 'Adele',
        lastName: 'Vance',
        properties: {},
        groupNames: [],
        dropped: false,
      },
    );
  });

  it('when a user has no work email, then the default email is the primary one', () => {
    const result = MappingProgram.compile(DEFAULT_MAPPINGS, scimPathReader).run({ ...ADELE, emails: [{ value: 'p@x.example', primary: true }] });
    assert.equal(result.email, 'p@x.example');
  });

  it('when a PROPERTY mapping has no property name, then it is refused', () => {
    assert.throws(() => MappingProgram.compile([mapping('{userName}', [], { property: null })], scimPathReader), /needs a property name/);
  });

  it('when values are huge, then the work stays bounded', () => {
    const started = performance.now();
    const result = run(mapping('{title}', [{ fn: 'split', args: { separator: 'a' } }, { fn: 'join', args: { separator: 'bb' } }]), {
      title: 'a'.repeat(1_000_000),
    });
    assert.ok(performance.now() - started < 1000);
    assert.ok(String(result.properties.out).length <= 10_000);
  });
});

describe('withMappedProperties', () => {
  const table: Array<[string, Record<string, string>, Record<string, string | null>, Record<string, string>]> = [
    ['a mapped value', { locale: 'de' }, { locale: 'fr' }, { locale: 'fr' }],
    ['a cleared property', { locale: 'de', team: 'a' }, { locale: null }, { team: 'a' }],
    ['a property no mapping names', { locale: 'de' }, { costCenter: 'R-1' }, { locale: 'de', costCenter: 'R-1' }],
    ['nothing mapped', { locale: 'de' }, {}, { locale: 'de' }],
  ];
  for (const [what, properties, mapped, expected] of table) {
    it(`when the mappings give ${what}, then the properties are ${JSON.stringify(expected)}`, () => {
      const given = { ...properties };
      assert.deepEqual(withMappedProperties(properties, mapped), expected);
      assert.deepEqual(properties, given, 'the properties given stay as they were');
    });
  }
});
