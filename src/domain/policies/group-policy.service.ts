import type { DataSource, EntityManager } from 'typeorm';
import { fitsNameColumn, NAME_LENGTH, newId } from '../../db/columns';
import { PolicyKind, PolicyRuleEntity } from '../../db/entities/policy-rule.entity';
import { forUpdate } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import { compilePattern, PatternError } from '../../policy/patterns';
import type { AuditService } from '../audit/audit.service';
import type { SettingsChanges } from '../connectors/settings-changes';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';

/** A connector's group policy: each list in the order the admin gave it. alwaysAssign holds group names, the others patterns. */
export interface GroupPolicy {
  alwaysAssign: string[];
  onlyAssign: string[];
  neverAssign: string[];
  neverRemove: string[];
  required: string[];
}

const LIST_KINDS: Record<keyof GroupPolicy, PolicyKind> = {
  alwaysAssign: 'ALWAYS_ASSIGN',
  onlyAssign: 'ONLY_ASSIGN',
  neverAssign: 'NEVER_ASSIGN',
  neverRemove: 'NEVER_REMOVE',
  required: 'REQUIRED',
};

/** The most patterns one list may hold. */
export const MAX_PATTERNS_PER_LIST = 200;

export function emptyPolicy(): GroupPolicy {
  return { alwaysAssign: [], onlyAssign: [], neverAssign: [], neverRemove: [], required: [] };
}

export class GroupPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly settingsChanges: SettingsChanges,
  ) {}

  /** The group policies of several connectors, read in one statement (for DataLoader); `manager` reads within a transaction. */
  async forConnectors(_ctx: RequestContext, connectorIds: readonly string[], manager = this.dataSource.manager): Promise<Map<string, GroupPolicy>> {
    return readPolicies(manager, connectorIds);
  }

  async get(ctx: RequestContext, connectorId: string, manager = this.dataSource.manager): Promise<GroupPolicy> {
    return (await this.forConnectors(ctx, [connectorId], manager)).get(connectorId)!;
  }

  /**
   * Replaces each list given in `changes`; the others stay. Every pattern is checked first: one
   * bad pattern refuses the whole change, naming each bad pattern and why.
   */
  async update(ctx: RequestContext, connectorId: string, changes: Partial<GroupPolicy>): Promise<GroupPolicy> {
    assertValidPolicy(changes);
    return this.transactions.run(async (manager, scope) => {
      // The connector row is the lock that keeps two updates of one policy from interleaving.
      const found = await manager.query(`SELECT id FROM connectors WHERE id = ?${forUpdate(this.dataSource.options.type)}`, [connectorId]);
      if (found.length === 0) throw new DomainError('NOT_FOUND', `no connector with id "${connectorId}"`);
      const before = (await readPolicies(manager, [connectorId])).get(connectorId)!;
      const after: GroupPolicy = { ...before };
      for (const [list, patterns] of Object.entries(changes) as Array<[keyof GroupPolicy, string[] | undefined]>) {
        if (!patterns) continue;
        after[list] = patterns;
        const kind = LIST_KINDS[list];
        await manager.delete(PolicyRuleEntity, { connectorId, kind });
        if (patterns.length > 0) {
          await manager.insert(
            PolicyRuleEntity,
            patterns.map((pattern, position) => ({ id: newId(), connectorId, kind, pattern, position })),
          );
        }
      }
      await this.audit.record(manager, ctx, {
        action: 'connector.updateGroupPolicy',
        targetType: 'Connector',
        targetId: connectorId,
        before: { ...before },
        after: { ...after },
      });
      await this.settingsChanges.record(ctx, manager, scope, connectorId);
      return after;
    });
  }
}

export interface PolicyProblem {
  list: keyof GroupPolicy;
  /** Empty when the problem is the list's (too many patterns). */
  pattern: string;
  reason: string;
}

/** What is wrong with the lists given, each pattern checked as update() checks it; empty when nothing is. */
export function policyProblems(changes: Partial<GroupPolicy>): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [list, patterns] of Object.entries(changes) as Array<[keyof GroupPolicy, string[] | undefined]>) {
    if (!patterns) continue;
    if (patterns.length > MAX_PATTERNS_PER_LIST) problems.push({ list, pattern: '', reason: `a list holds at most ${MAX_PATTERNS_PER_LIST} patterns` });
    for (const pattern of patterns) {
      const reason = list === 'alwaysAssign' ? groupNameProblem(pattern) : patternProblem(pattern);
      if (reason) problems.push({ list, pattern, reason });
    }
  }
  return problems;
}

/** Refuses lists with a problem: BAD_USER_INPUT naming each bad pattern and why. */
export function assertValidPolicy(changes: Partial<GroupPolicy>): void {
  const problems = policyProblems(changes);
  if (problems.length === 0) return;
  const message = problems.map((problem) => `${problem.list}: ${problem.pattern ? `${JSON.stringify(problem.pattern)}: ` : ''}${problem.reason}`).join('; ');
  throw new DomainError('INVALID_INPUT', `invalid pattern: ${message}`, { field: 'input', patterns: problems });
}

/** Always assign names groups to create and join: names, not patterns. */
function groupNameProblem(name: string): string | null {
  if (name.trim() === '') return 'a group name must not be empty';
  return !fitsNameColumn(name) ? `a group name is at most ${NAME_LENGTH} characters` : null;
}

function patternProblem(pattern: string): string | null {
  try {
    compilePattern(pattern);
    return null;
  } catch (error) {
    if (error instanceof PatternError) return error.reason;
    throw error;
  }
}

async function readPolicies(manager: EntityManager, connectorIds: readonly string[]): Promise<Map<string, GroupPolicy>> {
  const policies = new Map(connectorIds.map((id) => [id, emptyPolicy()]));
  if (connectorIds.length === 0) return policies;
  const rules = await manager
    .getRepository(PolicyRuleEntity)
    .createQueryBuilder('rule')
    .where('rule.connectorId IN (:...ids)', { ids: [...connectorIds] })
    .orderBy('rule.position', 'ASC')
    .getMany();
  for (const rule of rules) policies.get(rule.connectorId)![listOf(rule.kind)].push(rule.pattern);
  return policies;
}

function listOf(kind: PolicyKind): keyof GroupPolicy {
  return (Object.keys(LIST_KINDS) as Array<keyof GroupPolicy>).find((list) => LIST_KINDS[list] === kind)!;
}
