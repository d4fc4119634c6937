import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ConnectorTokenEntity } from '../../db/entities/connector-token.entity';
import type { CleanupAction, ConnectorEntity, CopyBehaviour } from '../../db/entities/connector.entity';

export enum CleanupActionEnum {
  DISABLE = 'DISABLE',
  DELETE = 'DELETE',
  KEEP = 'KEEP',
}
registerEnumType(CleanupActionEnum, {
  name: 'CleanupAction',
  description: 'What happens to a user deleted in the IdP, in no required group, or dropped by a mapping: disable it (the default), delete it, or keep it as it is.',
});

/** One class for the output and the input: copy behaviour is read and saved whole. */
@ObjectType('CopyBehaviour', { description: 'What a connector copies when it first creates a user whose userName exists in another directory.' })
@InputType('CopyBehaviourInput', { description: 'Copy behaviour to save (the whole of it).' })
export class CopyBehaviourType {
  @Field({ description: 'Whether copying happens at all.' })
  enabled: boolean;

  @Field(() => [ID], { description: 'The directories searched for the user, in this order.' })
  sourceDirectoryIds: string[];

  @Field({ description: 'Copy the user’s memberships.' })
  memberships: boolean;

  @Field({ description: 'Copy the user’s last login.' })
  lastLogin: boolean;

  @Field({ description: 'Copy the user’s properties.' })
  properties: boolean;
}

@InputType({ description: 'Connector settings to change; each left out stays as it is.' })
export class UpdateConnectorInput {
  @Field({ nullable: true, description: 'A name for admins (1–255 characters).' })
  name?: string;

  @Field({ nullable: true, description: 'Whether the SCIM endpoint accepts requests.' })
  enabled?: boolean;

  @Field(() => CleanupActionEnum, { nullable: true, description: 'The cleanup action.' })
  cleanupAction?: CleanupAction;

  @Field({ nullable: true, description: 'Record heap, RSS and free memory in sync runs.' })
  logFreeMemory?: boolean;

  @Field(() => CopyBehaviourType, { nullable: true, description: 'Copy behaviour.' })
  copyBehaviour?: CopyBehaviour;
}

@ObjectType('Connector', { description: 'An identity provider’s way in: its SCIM endpoint and the settings that shape its directory.' })
export class ConnectorType {
  @Field(() => ID, { description: 'The connector’s id; also the last segment of its SCIM base URL.' })
  id: string;

  @Field({ description: 'A name for admins.' })
  name: string;

  @Field({ description: 'The Tenant URL to paste into the identity provider: <public URL>/scim/v2/<id>.' })
  scimBaseUrl: string;

  @Field({ description: 'Whether the SCIM endpoint accepts requests (403 when off).' })
  enabled: boolean;

  @Field({ description: 'When the connector was created.' })
  createdAt: Date;

  @Field(() => ID, { description: 'The id of the connector’s directory (for other connectors’ copy behaviour).' })
  directoryId: string;

  @Field(() => CleanupActionEnum, { description: 'The cleanup action.' })
  cleanupAction: CleanupAction;

  @Field({ description: 'Whether sync runs record memory figures.' })
  logFreeMemory: boolean;

  @Field(() => CopyBehaviourType, { description: 'Copy behaviour.' })
  copyBehaviour: CopyBehaviour;

  static from(entity: ConnectorEntity, publicUrl: string): ConnectorType {
    return Object.assign(new ConnectorType(), {
      id: entity.id,
      name: entity.name,
      scimBaseUrl: `${publicUrl}/scim/v2/${entity.id}`,
      enabled: entity.enabled,
      createdAt: entity.createdAt,
      directoryId: entity.directoryId,
      cleanupAction: entity.cleanupAction,
      logFreeMemory: entity.logFreeMemory,
      copyBehaviour: entity.copyBehaviour,
    });
  }
}

@ObjectType({ description: 'A new connector and its first bearer token.' })
export class CreateConnectorPayload {
  @Field(() => ConnectorType, { description: 'The connector.' })
  connector: ConnectorType;

  @Field({ description: 'The SCIM bearer token, shown in this answer only: it is stored hashed.' })
  token: string;
}

@ObjectType({ description: 'A connector’s new bearer token.' })
export class RotateConnectorTokenPayload {
  @Field({ description: 'The new SCIM bearer token, shown in this answer only.' })
  token: string;
}

@ObjectType('ConnectorStats', { description: 'How big a connector’s directory is.' })
export class ConnectorStatsType {
  @Field(() => Int, { description: 'Users in the directory.' })
  users: number;

  @Field(() => Int, { description: 'Users in the directory that are active.' })
  activeUsers: number;

  @Field(() => Int, { description: 'Groups with at least one of the directory’s users as a member.' })
  groups: number;

  @Field(() => Int, { description: 'Memberships of the directory’s users.' })
  memberships: number;
}

@ObjectType('ConnectorToken', { description: 'One of a connector’s SCIM bearer tokens. Only its hash is stored: the token itself was shown once.' })
export class ConnectorTokenType {
  @Field(() => ID, { description: 'The token’s id.' })
  id: string;

  @Field({ description: 'The token’s first characters, to tell tokens apart.' })
  prefix: string;

  @Field({ description: 'When the token was issued.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the token was last used (to the minute), or null when never.' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the token stops or stopped working; null while it is the current token.' })
  expiresAt: Date | null;

  @Field({ description: 'Whether the token works now.' })
  live: boolean;

  static from(entity: ConnectorTokenEntity, now = new Date()): ConnectorTokenType {
    return Object.assign(new ConnectorTokenType(), {
      id: entity.id,
      prefix: entity.prefix,
      createdAt: entity.createdAt,
      lastUsedAt: entity.lastUsedAt,
      expiresAt: entity.expiresAt,
      live: entity.expiresAt === null || entity.expiresAt > now,
    });
  }
}

@ObjectType('Directory', { description: 'A set of application users: the local one (users that were there before any connector), or a connector’s.' })
export class DirectoryType {
  @Field(() => ID, { description: 'The directory’s id (copy behaviour names its sources by it).' })
  id: string;

  @Field({ description: 'LOCAL or CONNECTOR.' })
  kind: string;

  @Field({ description: 'The connector’s name, or the local directory’s.' })
  name: string;
}
