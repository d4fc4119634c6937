import { Field, ID, ObjectType } from 'type-graphql';
import type { ConnectorEntity } from '../../db/entities/connector.entity';

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

  static from(entity: ConnectorEntity, publicUrl: string): ConnectorType {
    return Object.assign(new ConnectorType(), {
      id: entity.id,
      name: entity.name,
      scimBaseUrl: `${publicUrl}/scim/v2/${entity.id}`,
      enabled: entity.enabled,
      createdAt: entity.createdAt,
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
