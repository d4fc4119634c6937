import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { decodeCursor, pageSize, toConnection } from '../pagination';
import { GroupConnection, GroupOriginEnum, GroupType } from './group.type';
import { UserConnection, UserType } from './user.type';

@Resolver(() => GroupType)
export class GroupResolver {
  @Query(() => GroupConnection, { description: 'Groups of the application directory in name order (case-insensitive).' })
  async groups(
    @Arg('search', () => String, {
      nullable: true,
      description: 'A case-insensitive prefix of the name: `jira` finds Jira-Users. A prefix, because the name index serves it in list order.',
    })
    search: string | null,
    @Arg('origin', () => GroupOriginEnum, { nullable: true, description: 'Only groups of this origin.' }) origin: GroupOriginEnum | null,
    @Arg('first', () => Int, { nullable: true, description: 'Groups in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<GroupConnection> {
    const cursor = decodeCursor(after, 1);
    const page = await services.groups.list(request, { search: search ?? null, origin: origin ?? null, first: pageSize(first), after: cursor && cursor[0] });
    return toConnection(page, GroupType.from, (group) => [group.nameKey]);
  }

  @Query(() => GroupType, { nullable: true, description: 'One group, or null when there is none with this id.' })
  async group(@Arg('id', () => ID, { description: 'The group’s id.' }) id: string, @Ctx() { loaders }: GraphQLContext): Promise<GroupType | null> {
    const group = await loaders.directory.groups.load(id);
    return group && GroupType.from(group);
  }

  @Authorized('ADMIN')
  @Mutation(() => GroupType, {
    description: 'Creates a local group (origin LOCAL). Names are unique regardless of case: a taken name is refused with CONFLICT.',
  })
  async createGroup(
    @Arg('name', { description: 'The group’s name (1–255 characters, trimmed).' }) name: string,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<GroupType> {
    return GroupType.from(await services.groups.create(request, name));
  }

  @Authorized('ADMIN')
  @Mutation(() => GroupType, {
    description: 'Deletes a local group with its memberships, and answers it as it was. Groups from an IdP or a policy are refused with CONFLICT: they go when their source stops naming them.',
  })
  async deleteGroup(@Arg('id', () => ID, { description: 'The group’s id.' }) id: string, @Ctx() { request, services, loaders }: GraphQLContext): Promise<GroupType> {
    const group = await services.groups.delete(request, id);
    loaders.directory.groups.clear(id);
    return GroupType.from(group);
  }

  @FieldResolver(() => Int, { description: 'How many members the group has (its members’ totalCount, counted for a whole page of groups at once).' })
  async memberCount(@Root() group: GroupType, @Ctx() { loaders }: GraphQLContext): Promise<number> {
    return loaders.directory.memberCounts.load(group.id);
  }

  @FieldResolver(() => UserConnection, {
    description: 'The group’s members, in id order: an index serves every page, however large the group. For members by userName, use users(group: name).',
  })
  async members(
    @Root() group: GroupType,
    @Arg('first', () => Int, { nullable: true, description: 'Members in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<UserConnection> {
    const cursor = decodeCursor(after, 1);
    const page = await loaders.directory.memberPages.load({ groupId: group.id, first: pageSize(first), after: cursor && cursor[0] });
    return toConnection(page, UserType.from, (user) => [user.id]);
  }
}
