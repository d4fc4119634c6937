import { compilePattern } from '../../src/policy/patterns';
import type { CompiledPolicy } from '../../src/policy/reconcile';

/** A group policy's lists as an admin types them; the ones left out are empty. */
export type PolicyLists = Partial<Record<keyof CompiledPolicy, string[]>>;

/** The lists compiled as a sync compiles them: always assign stays names, the rest patterns. */
export function compiledPolicy(lists: PolicyLists = {}): CompiledPolicy {
  const compile = (patterns: string[] = []) => patterns.map(compilePattern);
  return {
    alwaysAssign: lists.alwaysAssign ?? [],
    onlyAssign: compile(lists.onlyAssign),
    neverAssign: compile(lists.neverAssign),
    neverRemove: compile(lists.neverRemove),
    required: compile(lists.required),
  };
}
