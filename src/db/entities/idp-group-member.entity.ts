import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, TimeColumn } from '../columns';
import { IdpGroupEntity } from './idp-group.entity';

export type IdpMemberType = 'User' | 'Group';

/**
 * One member of an IdP group, as the IdP set it. A row per member, so adding or removing members
 * costs O(changed members), never a rewrite of the list.
 */
@Entity('idp_group_members', { withoutRowid: true })
// With groupId, a sync reads a user's groups from the index alone; SQLite would otherwise look
// every member row up in the table as well (InnoDB's secondary indexes carry the key anyway).
@Index(['memberId', 'groupId'])
export class IdpGroupMemberEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  groupId: string;

  @ManyToOne(() => IdpGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'groupId' })
  group?: IdpGroupEntity;

  /** The member's SCIM id (an IdP user, or a nested IdP group). */
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  memberId: string;

  @Column({ type: 'varchar', length: 8 })
  memberType: IdpMemberType;

  @TimeColumn()
  createdAt: Date;
}
