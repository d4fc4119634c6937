import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, JsonColumn, NameColumn, RefColumn, TimeColumn, type JsonObject } from '../columns';
import { ConnectorEntity } from './connector.entity';

/**
 * A SCIM User exactly as the identity provider wrote it (IdP layer). `resource` keeps every
 * attribute, extensions included; the other columns are copies that queries and unique indexes
 * need. The SCIM id is `id`. Every index here is written on every SCIM create, so only the
 * lookups Entra makes have one (userName, externalId); rarer filters scan the connector's rows.
 */
@Entity('idp_users')
@Index(['connectorId', 'userNameKey'], { unique: true })
@Index(['connectorId', 'externalId'])
// A full sync pages through a connector's users in id order, so that a page's rows are neighbours
// in every index keyed by the IdP user's id (its members, its directory user) and are read from a
// few pages of each rather than a page per user.
@Index(['connectorId', 'id'])
export class IdpUserEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @NameColumn({ nullable: true })
  externalId: string | null;

  @NameColumn()
  userName: string;

  /** caseKey(userName): SCIM userName is unique per connector regardless of case. */
  @NameColumn()
  userNameKey: string;

  @NameColumn({ nullable: true })
  displayName: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  @JsonColumn()
  resource: JsonObject;

  /** Bumped on every write; the SCIM ETag. */
  @Column({ type: 'int' })
  version: number;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
