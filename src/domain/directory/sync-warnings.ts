import { caseKey } from '../../db/columns';
import type { Reconciliation } from '../../policy/reconcile';

/*
 * What the next sync will do to a membership an admin just changed, read off the sync's own
 * decision for the user (DirectorySyncService.nextDecision, policy/reconcile.ts), so that the
 * warning and the sync cannot disagree.
 */

const sameGroup = (a: string, b: string) => caseKey(a) === caseKey(b);

/** After an add: null when the next sync keeps the membership. */
export function warningAfterAdd(next: Reconciliation, group: string, connectorName: string): string | null {
  const sync = `the next sync of connector "${connectorName}"`;
  if (next.user === 'DELETE') return `${sync} deletes this user (cleanup action DELETE), and this membership with it`;
  if (!next.removed.some((membership) => sameGroup(membership.group, group))) return null;
  return (
    `${sync} will remove this membership: the user is synced, the identity provider does not report "${group}" for them ` +
    `(after only assign and never assign), always assign does not name it, and it matches none of the connector's never-remove patterns`
  );
}

/** After a remove: null when the next sync leaves the membership out. */
export function warningAfterRemove(next: Reconciliation, group: string, connectorName: string): string | null {
  const back = next.added.find((membership) => sameGroup(membership.group, group));
  if (!back) return null;
  const why =
    back.managedBy === 'POLICY'
      ? `always assign names "${group}"`
      : `the identity provider reports "${group}" for this user, and only assign and never assign let it through`;
  return `the next sync of connector "${connectorName}" will add this membership back: ${why}`;
}
