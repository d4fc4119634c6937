import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { AdminRole, AdminTokenEntity } from '../../db/entities/admin-token.entity';

export enum RoleEnum {
  ADMIN = 'ADMIN',
  READER = 'READER',
}
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What an admin token may do: ADMIN everything, READER every query and no mutation.',
});

@ObjectType('Viewer', { description: 'Who the request’s token stands for.' })
export class ViewerType {
  @Field({ description: 'The token’s name (ADMIN_TOKEN for the operator’s configured token).' })
  name: string;

  @Field(() => RoleEnum, { description: 'The token’s role.' })
  role: AdminRole;
}

@ObjectType('AdminToken', { description: 'A token for this API. Only its hash is stored; the token itself was shown once, when created.' })
export class AdminTokenType {
  @Field(() => ID, { description: 'The token’s id.' })
  id: string;

  @Field({ description: 'A name for admins, unique; audit events name the token by it.' })
  name: string;

  @Field(() => RoleEnum, { description: 'What the token may do.' })
  role: AdminRole;

  @Field({ description: 'The token’s first characters, to tell tokens apart.' })
  prefix: string;

  @Field({ description: 'When the token was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the token was last used (to the minute), or null when never.' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the token was revoked, or null while it works.' })
  revokedAt: Date | null;

  static from(entity: AdminTokenEntity): AdminTokenType {
    return Object.assign(new AdminTokenType(), {
      id: entity.id,
      name: entity.name,
      role: entity.role,
      prefix: entity.prefix,
      createdAt: entity.createdAt,
      lastUsedAt: entity.lastUsedAt,
      revokedAt: entity.revokedAt,
    });
  }
}

@ObjectType({ description: 'A new admin token.' })
export class CreateAdminTokenPayload {
  @Field({ description: 'The bearer token, shown in this answer only: it is stored hashed.' })
  token: string;

  @Field(() => AdminTokenType, { description: 'The token’s record, as adminTokens lists it.' })
  adminToken: AdminTokenType;
}
