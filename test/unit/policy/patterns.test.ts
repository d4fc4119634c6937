import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, MAX_PATTERN_LENGTH, PatternError } from '../../../src/policy/patterns';

describe('group patterns', () => {
  const table: Array<[string, string, boolean]> = [
    ['jira-.*', 'jira-users', true],
    ['jira-.*', 'JIRA-Users', true],
    ['jira-.*', 'x-jira-users', false],
    ['jira', 'jira-users', false],
    ['.*', 'anything at all', true],
    ['.*', '', true],
    ['(confluence|jira)-(users|admins)', 'confluence-admins', true],
    ['(confluence|jira)-(users|admins)', 'confluence-admins-emea', false],
    ['team-[0-9]{3}', 'team-042', true],
    ['team-[0-9]{3}', 'team-42', false],
    ['a.c', 'abc', true],
    ['a\\.c', 'abc', false],
    ['ÄRGER-.*', 'ärger-team', true],
  ];
  for (const [pattern, name, expected] of table) {
    it(`when ${JSON.stringify(pattern)} meets ${JSON.stringify(name)}, then it ${expected ? 'matches' : 'does not match'} (whole name, any case)`, () => {
      assert.equal(compilePattern(pattern).matches(name), expected);
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ['(jira', /missing closing \)/],
    ['jira-[', /missing closing \]/],
    ['(?=jira)', /unsupported Perl syntax/],
    ['(a)\\1', /invalid escape sequence/],
    ['*', /missing argument to repetition operator/],
    ['', /must not be empty/],
    ['   ', /must not be empty/],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /at most 1000 characters/],
  ];
  for (const [pattern, reason] of invalid) {
    it(`when the pattern is ${JSON.stringify(pattern.slice(0, 20))}, then it is refused with the reason`, () => {
      assert.throws(
        () => compilePattern(pattern),
        (error: unknown) => error instanceof PatternError && error.pattern === pattern && reason.test(error.reason),
      );
    });
  }

  it('when a pattern would backtrack exponentially in a backtracking engine, then it still matches in linear time', () => {
    const pattern = compilePattern('(a+)+b');
    const name = `${'a'.repeat(5000)}c`;
    const started = performance.now();
    assert.equal(pattern.matches(name), false);
    // A backtracking engine takes 2^5000 steps here; a linear one, milliseconds.
    assert.ok(performance.now() - started < 2000);
  });
});
