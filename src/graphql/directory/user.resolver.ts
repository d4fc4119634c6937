import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { JsonObject } from '../../db/columns';
import type { DirectoryGroup } from '../../domain/directory/directory.types';
import type { GraphQLContext } from '../context';
import { decodeCursor, pageSize, toConnection } from '../pagination';
import { GroupType } from './group.type';
import { MembershipType } from './membership.type';
import { UserConnection, UserType } from './user.type';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserConnection, { description: 'Users of the application directory in userName order (case-insensitive), then by directory.' })
  async users(
    @Arg('connectorId', () => ID, { nullable: true, description: 'Only the users of this connector’s directory; left out, every directory, the local one included.' })
    connectorId: string | null,
    @Arg('search', () => String, {
      nullable: true,
      description:
        'A case-insensitive prefix of userName: `adele` finds Adele.Vance@contoso.example. A prefix of userName only, because the userName index serves it in list order, so a page costs the same however large the directory; a substring, or displayName and email (which have no case-insensitive index), would read every user for each page and for totalCount.',
    })
    search: string | null,
    @Arg('active', () => Boolean, { nullable: true, description: 'Only active (true) or only disabled (false) users.' }) active: boolean | null,
    @Arg('group', () => String, { nullable: true, description: 'Only the members of the group with this name (case-insensitive); no such group, no users.' })
    group: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Users in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<UserConnection> {
    const cursor = decodeCursor(after, 2);
    // An argument left out arrives as undefined.
    const page = await services.users.list(request, {
      connectorId: connectorId ?? null,
      search: search ?? null,
      active: active ?? null,
      group: group ?? null,
      first: pageSize(first),
      after: cursor && { userNameKey: cursor[0], directoryId: cursor[1] },
    });
    return toConnection(page, UserType.from, (user) => [user.userNameKey, user.directoryId]);
  }

  @Query(() => UserType, { nullable: true, description: 'One user, or null when there is none with this id.' })
  async user(@Arg('id', () => ID, { description: 'The user’s id.' }) id: string, @Ctx() { request, services }: GraphQLContext): Promise<UserType | null> {
    const user = await services.users.find(request, id);
    return user && UserType.from(user);
  }

  @Authorized('ADMIN')
  @Mutation(() => UserType, {
    description:
      'An admin’s disable or enable. Disabling sets active false with disabledReason ADMIN, which no sync undoes. Enabling sets active true and clears any reason; if the identity provider still says active=false, or cleanup still applies (deleted in the IdP, in no required group, dropped by a mapping), the next sync of the user disables it again (reason IDP or CLEANUP).',
  })
  async setUserEnabled(
    @Arg('userId', () => ID, { description: 'The user.' }) userId: string,
    @Arg('enabled', { description: 'true to enable, false to disable.' }) enabled: boolean,
    @Ctx() { request, services, loaders }: GraphQLContext,
  ): Promise<UserType> {
    const user = await services.users.setEnabled(request, userId, enabled);
    loaders.directory.users.clear(userId).prime(userId, user);
    return UserType.from(user);
  }

  @FieldResolver(() => [GroupType], { description: 'The groups the user is in, by name.' })
  async groups(@Root() user: UserType, @Ctx() { loaders }: GraphQLContext): Promise<GroupType[]> {
    const memberships = await loaders.directory.memberships.load(user.id);
    const groups = await loaders.directory.groups.loadMany(memberships.map((membership) => membership.groupId));
    return groups
      .filter((group): group is DirectoryGroup => group !== null && !(group instanceof Error))
      .sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1))
      .map(GroupType.from);
  }

  @FieldResolver(() => [MembershipType], { description: 'The user’s memberships, with what keeps each.' })
  async memberships(@Root() user: UserType, @Ctx() { loaders }: GraphQLContext): Promise<MembershipType[]> {
    return (await loaders.directory.memberships.load(user.id)).map(MembershipType.from);
  }

  @FieldResolver(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The SCIM resource the identity provider last wrote for this user, as it wrote it; null for a local user, or one the IdP deleted.',
  })
  async idpResource(@Root() user: UserType, @Ctx() { loaders }: GraphQLContext): Promise<JsonObject | null> {
    return user.idpUserId === null ? null : loaders.directory.idpResources.load(user.idpUserId);
  }
}
