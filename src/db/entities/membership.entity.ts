import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, TimeColumn } from '../columns';
import { GroupEntity } from './group.entity';
import { UserEntity } from './user.entity';

/** What keeps a membership: the IdP's groups, a policy, an admin, or copy behaviour. */
export type MembershipSource = 'IDP' | 'POLICY' | 'LOCAL' | 'COPIED';

/** A user in a group (directory layer); at most one row per (user, group). */
@Entity('memberships', { withoutRowid: true })
// A group's members page by page in userId order, without sorting the whole group (SQLite's own
// index on groupId alone would hold rowids, not userIds).
@Index(['groupId', 'userId'])
export class MembershipEntity {
  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @PrimaryColumn({ type: 'varchar', length: ID_LENGTH })
  groupId: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'groupId' })
  group?: GroupEntity;

  @Column({ type: 'varchar', length: 16 })
  managedBy: MembershipSource;

  @TimeColumn()
  createdAt: Date;
}
