import type { CleanupAction } from '../db/entities/connector.entity';
import type { MembershipSource } from '../db/entities/membership.entity';
import type { DisabledReason } from '../db/entities/user.entity';
import type { GroupPattern } from './patterns';

/** A connector's group policy, compiled. `alwaysAssign` holds group names, the rest patterns. */
export interface CompiledPolicy {
  alwaysAssign: string[];
  onlyAssign: GroupPattern[];
  neverAssign: GroupPattern[];
  neverRemove: GroupPattern[];
  required: GroupPattern[];
}

export interface Membership {
  group: string;
  managedBy: MembershipSource;
}

/** What the IdP says of the user; null when the IdP deleted it. */
export interface IdpSide {
  active: boolean;
  /** The names of the groups the IdP reports the user in (mapped group names included). */
  groups: string[];
  /** An attribute mapping decided to drop this user. */
  dropped: boolean;
}

/** The user as the directory holds it now; null when it has no such user yet. */
export interface DirectorySide {
  active: boolean;
  disabledReason: DisabledReason | null;
  memberships: Membership[];
}

export interface Reconciliation {
  /** What becomes of the directory user. */
  user: 'CREATE' | 'KEEP' | 'DELETE' | 'NONE';
  active: boolean;
  disabledReason: DisabledReason | null;
  /** The memberships the user should have (after the change). */
  memberships: Membership[];
  added: Membership[];
  removed: Membership[];
  /**
   * Memberships that stay but change hands: one an admin or a copy made, which the IdP or a policy
   * now gives too, is theirs from now on (so that it says what keeps it).
   */
  retagged: Membership[];
  /** Why the cleanup action applies, when it does. */
  cleanup: 'DELETED_IN_IDP' | 'NOT_IN_REQUIRED_GROUP' | 'DROPPED_BY_MAPPING' | null;
}

const key = (group: string) => group.toLowerCase();
/** Sources that reconciliation itself keeps; a membership held by one of them is not taken over. */
const HELD_BY_SYNC = new Set<MembershipSource>(['IDP', 'POLICY']);
const matchesAny = (patterns: GroupPattern[], group: string) => patterns.some((pattern) => pattern.matches(group));

/**
 * Whether a change to the IdP's group `group` can change any user's directory state: a group that
 * only/never assign filter out, and that no required pattern names, never counts.
 */
export function groupMatters(policy: CompiledPolicy, group: string): boolean {
  return assignable(policy, group) || matchesAny(policy.required, group);
}

function assignable(policy: CompiledPolicy, group: string): boolean {
  return (policy.onlyAssign.length === 0 || matchesAny(policy.onlyAssign, group)) && !matchesAny(policy.neverAssign, group);
}

/**
 * The directory state one user should have, from what the IdP said, the connector's settings and
 * the user's current state: a pure function (DESIGN.md "The rules"), so that a sync, the SCIM
 * path and a preview all decide alike.
 *
 * - Only assign, then never assign, filter the IdP's groups; always assign adds its groups.
 * - The IdP is the source of truth for memberships: one it does not report is removed, unless
 *   its group matches never remove.
 * - Cleanup (deleted in the IdP, in no required group, dropped by a mapping) applies the
 *   connector's action; memberships are then left as they are, for when the user comes back.
 * - IdP active=false disables. A user disabled by cleanup or by the IdP is enabled again when the
 *   cause ends; one disabled by an admin stays disabled.
 */
export function reconcile(
  idp: IdpSide | null,
  current: DirectorySide | null,
  policy: CompiledPolicy,
  cleanupAction: CleanupAction,
): Reconciliation {
  const cleanup = cleanupCause(idp, policy);
  if (cleanup) return applyCleanup(cleanup, current, cleanupAction);
  const side = idp!;

  const assigned = side.groups.filter((group) => assignable(policy, group));
  const desired = new Map<string, Membership>();
  for (const group of assigned) desired.set(key(group), { group, managedBy: 'IDP' });
  for (const group of policy.alwaysAssign) if (!desired.has(key(group))) desired.set(key(group), { group, managedBy: 'POLICY' });

  const existing = current?.memberships ?? [];
  const memberships: Membership[] = [];
  const removed: Membership[] = [];
  const retagged: Membership[] = [];
  for (const membership of existing) {
    const wanted = desired.get(key(membership.group));
    if (wanted) {
      const kept = HELD_BY_SYNC.has(membership.managedBy) ? membership : { group: membership.group, managedBy: wanted.managedBy };
      if (kept !== membership) retagged.push(kept);
      memberships.push(kept);
      desired.delete(key(membership.group));
    } else if (matchesAny(policy.neverRemove, membership.group)) {
      memberships.push(membership);
    } else {
      removed.push(membership);
    }
  }
  const added = [...desired.values()];
  memberships.push(...added);

  const { active, disabledReason } = activity(side.active, current);
  return { user: current ? 'KEEP' : 'CREATE', active, disabledReason, memberships, added, removed, retagged, cleanup: null };
}

function cleanupCause(idp: IdpSide | null, policy: CompiledPolicy): Reconciliation['cleanup'] {
  if (!idp) return 'DELETED_IN_IDP';
  if (idp.dropped) return 'DROPPED_BY_MAPPING';
  if (policy.required.length > 0 && !idp.groups.some((group) => matchesAny(policy.required, group))) return 'NOT_IN_REQUIRED_GROUP';
  return null;
}

function applyCleanup(cause: NonNullable<Reconciliation['cleanup']>, current: DirectorySide | null, action: CleanupAction): Reconciliation {
  // A user the cleanup would remove at once is never created.
  if (!current) return { user: 'NONE', active: false, disabledReason: null, memberships: [], added: [], removed: [], retagged: [], cleanup: cause };
  const unchanged = { memberships: current.memberships, added: [], removed: [], retagged: [], cleanup: cause };
  switch (action) {
    case 'DELETE':
      return { user: 'DELETE', active: false, disabledReason: null, memberships: [], added: [], removed: current.memberships, retagged: [], cleanup: cause };
    case 'DISABLE':
      return {
        user: 'KEEP',
        active: false,
        // An admin's disable outlives the cleanup's, so that ending the cleanup does not undo it.
        disabledReason: current.disabledReason === 'ADMIN' ? 'ADMIN' : 'CLEANUP',
        ...unchanged,
      };
    case 'KEEP':
      return { user: 'KEEP', active: current.active, disabledReason: current.disabledReason, ...unchanged };
  }
}

function activity(idpActive: boolean, current: DirectorySide | null): { active: boolean; disabledReason: DisabledReason | null } {
  if (current?.disabledReason === 'ADMIN') return { active: false, disabledReason: 'ADMIN' };
  if (!idpActive) return { active: false, disabledReason: 'IDP' };
  return { active: true, disabledReason: null };
}
