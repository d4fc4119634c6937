import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AdminRole } from '../../db/entities/admin-token.entity';
import { DomainError } from '../../domain/errors';
import type { GraphQLContext } from '../context';
import { AdminTokenType, CreateAdminTokenPayload, RoleEnum, ViewerType } from './admin-token.type';

@Resolver()
export class AdminResolver {
  @Query(() => ViewerType, { description: 'Who the request’s token stands for, and what it may do.' })
  viewer(@Ctx() { request }: GraphQLContext): ViewerType {
    const { actor } = request;
    if (actor.kind !== 'admin') throw new DomainError('UNAUTHENTICATED', 'an admin token is required');
    return Object.assign(new ViewerType(), { name: actor.name, role: actor.role });
  }

  @Query(() => [AdminTokenType], { description: 'Every admin token, live ones first, then by name; never a secret.' })
  async adminTokens(@Ctx() { request, services }: GraphQLContext): Promise<AdminTokenType[]> {
    return (await services.adminTokens.list(request)).map(AdminTokenType.from);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateAdminTokenPayload, { description: 'Issues an admin token with a role. The token is in this answer only. A taken name is refused with CONFLICT.' })
  async createAdminToken(
    @Arg('name', { description: 'A name for the token (1–255 characters, trimmed), unique.' }) name: string,
    @Arg('role', () => RoleEnum, { description: 'What the token may do.' }) role: AdminRole,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<CreateAdminTokenPayload> {
    const { adminToken, token } = await services.adminTokens.create(request, name, role);
    return { token, adminToken: AdminTokenType.from(adminToken) };
  }

  @Authorized('ADMIN')
  @Mutation(() => AdminTokenType, {
    description:
      'Revokes an admin token: it stops working at once. Revoking a revoked token changes nothing. The last ADMIN token cannot be revoked (CONFLICT) unless the operator configured ADMIN_TOKEN.',
  })
  async revokeAdminToken(
    @Arg('id', () => ID, { description: 'The token’s id.' }) id: string,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<AdminTokenType> {
    return AdminTokenType.from(await services.adminTokens.revoke(request, id));
  }
}
