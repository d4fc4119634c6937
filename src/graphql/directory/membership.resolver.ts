import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { MembershipChange } from '../../domain/directory/membership.service';
import { DomainError } from '../../domain/errors';
import type { GraphQLContext } from '../context';
import { GroupType } from './group.type';
import { MembershipChangePayload, MembershipType } from './membership.type';
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
