import type { AdminRole } from '../db/entities/admin-token.entity';

/** Who is acting: an admin token (by name and role), or a connector's SCIM client. */
export type Actor =
  | { kind: 'admin'; tokenId: string | null; name: string; role: AdminRole }
  | { kind: 'connector'; connectorId: string };

/** Passed first to every service method, whichever front the call came through. */
export interface RequestContext {
  requestId: string;
  actor: Actor;
}

/** The server acting on its own account: a full sync it found due, for one. */
export const SYSTEM_CONTEXT: RequestContext = { requestId: 'system', actor: { kind: 'admin', tokenId: null, name: 'system', role: 'ADMIN' } };

export function actorName(actor: Actor): string {
  return actor.kind === 'admin' ? actor.name : `connector:${actor.connectorId}`;
}
