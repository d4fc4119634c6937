import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, NameColumn, RefColumn } from '../columns';
import { IdpUserEntity } from './idp-user.entity';

/**
 * The emails of an IdP user, one row each, so that the filter Entra matches users with
 * (`emails[type eq "work"].value eq "…"`) runs as an indexed query. The resource JSON stays the
 * record of what was sent; these rows are derived from it on every write.
 */
@Entity('idp_user_emails', { withoutRowid: true })
@Index(['valueKey'])
export class IdpUserEmailEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  userId: string;

  @ManyToOne(() => IdpUserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: IdpUserEntity;

  /** The element's index in `emails`. */
  @PrimaryColumn({ type: 'int' })
  position: number;

  @RefColumn()
  connectorId: string;

  /** caseKey(type): SCIM compares email types case-insensitively. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  typeKey: string | null;

  /** caseKey(value). */
  @NameColumn()
  valueKey: string;

  @Column({ type: 'boolean' })
  primary: boolean;
}
