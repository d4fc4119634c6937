import { NAME_LENGTH } from '../../db/columns';
import type { GroupOrigin } from '../../db/entities/group.entity';
import type { MembershipSource } from '../../db/entities/membership.entity';
import type { DisabledReason } from '../../db/entities/user.entity';
import { readTime } from '../../db/sql';
import { DomainError } from '../errors';

/** An application user as admins read it. */
export interface DirectoryUser {
  id: string;
  directoryId: string;
  /** The IdP user it is derived from; null for a local user, or one whose IdP user was deleted. */
  idpUserId: string | null;
  userName: string;
  userNameKey: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  disabledReason: DisabledReason | null;
}

export interface DirectoryGroup {
  id: string;
  name: string;
  nameKey: string;
  origin: GroupOrigin;
  createdAt: Date;
}

export interface DirectoryMembership {
  userId: string;
  groupId: string;
  managedBy: MembershipSource;
  createdAt: Date;
}

/** How big a directory is. */
export interface DirectoryStats {
  users: number;
  activeUsers: number;
  /** Groups with at least one of the directory's users as a member. */
  groups: number;
  memberships: number;
}

/** One page of a keyset-paginated list, and the size of the whole list. */
export interface Page<T> {
  items: T[];
  total: number;
  hasNext: boolean;
}

/** Rows as plain SQL reads them (`u` is the users table), for userOf. */
export const USER_COLUMNS = 'u.id, u.directoryId, u.idpUserId, u.userName, u.userNameKey, u.displayName, u.email, u.active, u.disabledReason';
/** Rows as plain SQL reads them (`g` is the groups table), for groupOf. */
export const GROUP_COLUMNS = 'g.id, g.name, g.nameKey, g.origin, g.createdAt';

export function userOf(row: Record<string, unknown>): DirectoryUser {
  return {
    id: String(row.id),
    directoryId: String(row.directoryId),
    idpUserId: (row.idpUserId as string | null) ?? null,
    userName: String(row.userName),
    userNameKey: String(row.userNameKey),
    displayName: (row.displayName as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    active: Boolean(Number(row.active)),
    disabledReason: (row.disabledReason as DisabledReason | null) ?? null,
  };
}

export function groupOf(row: Record<string, unknown>): DirectoryGroup {
  return {
    id: String(row.id),
    name: String(row.name),
    nameKey: String(row.nameKey),
    origin: row.origin as GroupOrigin,
    createdAt: readTime(row.createdAt),
  };
}

export function membershipOf(row: Record<string, unknown>): DirectoryMembership {
  return {
    userId: String(row.userId),
    groupId: String(row.groupId),
    managedBy: row.managedBy as MembershipSource,
    createdAt: readTime(row.createdAt),
  };
}

/** A search text as a name prefix: trimmed, null when nothing is left; `field` names it in the error. */
export function searchPrefix(search: string | null, field: string): string | null {
  const prefix = search?.trim() ?? '';
  if (prefix.length > NAME_LENGTH) throw new DomainError('INVALID_INPUT', `${field} must be at most ${NAME_LENGTH} characters`, { field });
  return prefix === '' ? null : prefix;
}
