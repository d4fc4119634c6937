import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, JsonColumn, NameColumn, RefColumn, TimeColumn } from '../columns';
import { DirectoryEntity } from './directory.entity';
import { IdpUserEntity } from './idp-user.entity';

/** Why a user is disabled; cleanup re-enables only what cleanup disabled. */
export type DisabledReason = 'ADMIN' | 'CLEANUP' | 'IDP';

/** An application user (directory layer): what the application sees after mapping and policies. */
@Entity('users')
@Index(['directoryId', 'userNameKey'], { unique: true })
// The directory listed across directories, in userName order (and searched by a userName prefix).
@Index('IDX_users_userNameKey_directoryId', ['userNameKey', 'directoryId'])
@Index(['directoryId', 'active'])
export class UserEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  directoryId: string;

  @ManyToOne(() => DirectoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directoryId' })
  directory?: DirectoryEntity;

  /** The IdP user this user is derived from; null for local users. Indexed: reconciliation looks users up by it. */
  @RefColumn({ nullable: true })
  @Index({ unique: true })
  idpUserId: string | null;

  @ManyToOne(() => IdpUserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'idpUserId' })
  idpUser?: IdpUserEntity | null;

  @NameColumn()
  userName: string;

  /** caseKey(userName): unique per directory regardless of case. */
  @NameColumn()
  userNameKey: string;

  @NameColumn({ nullable: true })
  displayName: string | null;

  @NameColumn({ nullable: true })
  email: string | null;

  @NameColumn({ nullable: true })
  firstName: string | null;

  @NameColumn({ nullable: true })
  lastName: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'varchar', length: 16, nullable: true })
  disabledReason: DisabledReason | null;

  @JsonColumn()
  properties: Record<string, string>;

  @TimeColumn({ nullable: true })
  lastLoginAt: Date | null;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
