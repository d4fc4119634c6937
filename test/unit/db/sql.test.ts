import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startsWith } from '../../../src/db/sql';

describe('startsWith: a prefix as an index range', () => {
  const table: Array<[string, string, string[]]> = [
    ['a plain prefix', 'user-0', ['user-0', 'user-1', 'user-0%']],
    ['LIKE wildcards, escaped in the LIKE only', '50%_', ['50%_', '50%`', '50!%!_%']],
    ['a last character outside the BMP', 'a😀', ['a😀', 'a😁', 'a😀%']],
    ['a last character just below the surrogates', 'a\ud7ff', ['a\ud7ff', 'a\ue000', 'a\ud7ff%']],
  ];
  for (const [name, prefix, params] of table) {
    it(`when the prefix is ${name}, then the range is [prefix, next) and the LIKE keeps it exact`, () => {
      const match = startsWith('c', prefix);
      assert.equal(match.sql, "c >= ? AND c < ? AND c LIKE ? ESCAPE '!'");
      assert.deepEqual(match.params, params);
    });
  }

  it('when the prefix ends in the last code point, then the range ends after the character before it', () => {
    assert.deepEqual(startsWith('c', 'a\u{10ffff}').params.slice(0, 2), ['a\u{10ffff}', 'b']);
  });

  it('when every character is the last code point, then the range has no end', () => {
    const match = startsWith('c', '\u{10ffff}');
    assert.equal(match.sql, "c >= ? AND c LIKE ? ESCAPE '!'");
    assert.deepEqual(match.params, ['\u{10ffff}', '\u{10ffff}%']);
  });
});
