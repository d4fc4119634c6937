import DataLoader from 'dataloader';
import type { JsonObject } from '../../db/columns';
import { SQL_CHUNK } from '../../db/sql';
import type { RequestContext } from '../../domain/context';
import type { DirectoryGroup, DirectoryMembership, DirectoryUser, Page } from '../../domain/directory/directory.types';
import type { MemberPageRequest } from '../../domain/directory/group.service';
import { pageLoader } from '../page-loader';
import type { Services } from '../../domain/services';

/** Per-request batch loaders of the directory: a page of users reads each kind of related row in one statement. */
export interface DirectoryLoaders {
  /** A user's memberships, by user id. */
  memberships: DataLoader<string, DirectoryMembership[]>;
  groups: DataLoader<string, DirectoryGroup | null>;
  /** How many members a group has, by group id. */
  memberCounts: DataLoader<string, number>;
  /** A page of a group's members. */
  memberPages: DataLoader<MemberPageRequest, Page<DirectoryUser>, string>;
  users: DataLoader<string, DirectoryUser | null>;
  /** The SCIM resource an IdP user holds, by IdP user id. */
  idpResources: DataLoader<string, JsonObject | null>;
}

export function createDirectoryLoaders(services: Services, request: RequestContext): DirectoryLoaders {
  const batched = <V>(load: (ids: readonly string[]) => Promise<Map<string, V>>, missing: V) =>
    new DataLoader<string, V>(
      async (ids) => {
        const found = await load(ids);
        return ids.map((id) => found.get(id) ?? missing);
      },
      { maxBatchSize: SQL_CHUNK },
    );
  return {
    memberships: batched((ids) => services.memberships.ofUsers(request, ids), []),
    groups: batched<DirectoryGroup | null>((ids) => services.groups.byIds(request, ids), null),
    memberCounts: batched((ids) => services.groups.memberCounts(request, ids), 0),
    memberPages: pageLoader((requests: readonly MemberPageRequest[]) => services.groups.memberPages(request, requests)),
    users: batched<DirectoryUser | null>((ids) => services.users.byIds(request, ids), null),
    idpResources: batched<JsonObject | null>((ids) => services.users.idpResources(request, ids), null),
  };
}
