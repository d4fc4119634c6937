import { RE2JS } from 're2js';

/** The longest pattern an admin may save: far beyond any real group naming scheme. */
export const MAX_PATTERN_LENGTH = 1000;

/** A compiled group pattern: a regular expression that must match the whole group name. */
export interface GroupPattern {
  source: string;
  matches(groupName: string): boolean;
}

export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
}

/**
 * Compiles an admin's pattern with RE2 semantics (re2js, linear time: no pattern can make
 * matching slow, whatever the group names). The pattern must match the whole name, and letter
 * case does not count, since group names are unique regardless of case. Throws PatternError.
 */
export function compilePattern(source: string): GroupPattern {
  if (source.trim() === '') throw new PatternError(source, 'a pattern must not be empty');
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(source, `a pattern is at most ${MAX_PATTERN_LENGTH} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    // re2js names what it could not parse: "missing closing )", "invalid or unsupported Perl syntax: `(?=`".
    // The case-insensitive flag shows in its quotes as a `(?i)` the admin did not write.
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '').replaceAll('`(?i)', '`') : String(error);
    throw new PatternError(source, reason);
  }
  return { source, matches: (groupName) => compiled.matches(groupName) };
}
