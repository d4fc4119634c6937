import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { MembershipChange } from '../../domain/directory/membership.service';
import { DomainError } from '../../domain/errors';
import type { GraphQLContext } from '../context';
import { GroupType } from './group.type';
import { MembershipChangePayload, MembershipConnection, MembershipSourceEnum, MembershipType } from './membership.type';
import { decodeCursor, pageSize, toConnection } from '../pagination';
import { UserType } from './user.type';

@Resolver(() => MembershipType)
export class MembershipResolver {
  @Authorized('ADMIN')
  @Mutation(() => MembershipChangePayload, {
    description:
      'Adds a user to a group, managed by LOCAL (CONFLICT when the user is in it already). For a synced user, warning says when the next sync will remove the membership again.',
  })
  async addGroupMember(
    @Arg('groupId', () => ID, { description: 'The group.' }) groupId: string,
    @Arg('userId', () => ID, { description: 'The user.' }) userId: string,
    @Ctx() { request, services, loaders }: GraphQLContext,
  ): Promise<MembershipChangePayload> {
    return payload(await services.memberships.add(request, groupId, userId), loaders);
  }

  @Authorized('ADMIN')
  @Mutation(() => MembershipChangePayload, {
    description:
      'Removes a user from a group, whatever keeps the membership (NOT_FOUND when the user is not in it). For a synced user, warning says when the next sync will add it back.',
  })
  async removeGroupMember(
    @Arg('groupId', () => ID, { description: 'The group.' }) groupId: string,
    @Arg('userId', () => ID, { description: 'The user.' }) userId: string,
    @Ctx() { request, services, loaders }: GraphQLContext,
  ): Promise<MembershipChangePayload> {
    return payload(await services.memberships.remove(request, groupId, userId), loaders);
  }

  @Query(() => MembershipConnection, { description: 'Memberships of the application directory, by group and then user; each filter narrows them.' })
  async memberships(
    @Arg('connectorId', () => ID, { nullable: true, description: 'Only memberships of this connector’s users.' }) connectorId: string | null,
    @Arg('groupId', () => ID, { nullable: true, description: 'Only memberships of this group.' }) groupId: string | null,
    @Arg('userId', () => ID, { nullable: true, description: 'Only memberships of this user.' }) userId: string | null,
    @Arg('managedBy', () => MembershipSourceEnum, { nullable: true, description: 'Only memberships kept by this.' }) managedBy: MembershipSourceEnum | null,
    @Arg('first', () => Int, { nullable: true, description: 'Memberships in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<MembershipConnection> {
    const cursor = decodeCursor(after, 2);
    const page = await services.memberships.list(request, {
      connectorId: connectorId ?? null,
      groupId: groupId ?? null,
      userId: userId ?? null,
      managedBy: managedBy ?? null,
      first: pageSize(first),
      after: cursor && { groupId: cursor[0], userId: cursor[1] },
    });
    return toConnection(page, MembershipType.from, (membership) => [membership.groupId, membership.userId]);
  }

  @FieldResolver(() => GroupType, { description: 'The group.' })
  async group(@Root() membership: MembershipType, @Ctx() { loaders }: GraphQLContext): Promise<GroupType> {
    const group = await loaders.directory.groups.load(membership.groupId);
    if (!group) throw new DomainError('NOT_FOUND', `no group with id "${membership.groupId}"`);
    return GroupType.from(group);
  }

  @FieldResolver(() => UserType, { description: 'The user.' })
  async user(@Root() membership: MembershipType, @Ctx() { loaders }: GraphQLContext): Promise<UserType> {
    const user = await loaders.directory.users.load(membership.userId);
    if (!user) throw new DomainError('NOT_FOUND', `no user with id "${membership.userId}"`);
    return UserType.from(user);
  }
}

/** The answer to a membership change; the user's memberships read earlier in this request are stale now. */
function payload(change: MembershipChange, loaders: GraphQLContext['loaders']): MembershipChangePayload {
  loaders.directory.memberships.clear(change.membership.userId);
  return { membership: MembershipType.from(change.membership), warning: change.warning };
}
