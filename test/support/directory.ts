import { caseKey, newId } from '../../src/db/columns';
import { LOCAL_DIRECTORY_ID } from '../../src/db/entities/directory.entity';
import type { UserEntity } from '../../src/db/entities/user.entity';

/** A user of the local directory (one that was there before any connector), as a row to insert. */
export function localUser(userName: string, now = new Date(), extra: Partial<UserEntity> = {}): UserEntity {
  return {
    id: newId(),
    directoryId: LOCAL_DIRECTORY_ID,
    idpUserId: null,
    userName,
    userNameKey: caseKey(userName),
    displayName: null,
    email: null,
    firstName: null,
    lastName: null,
    active: true,
    disabledReason: null,
    properties: {},
    lastLoginAt: null,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}
