import { Column, Entity, JoinColumn, OneToOne } from 'typeorm';
import { IdColumn, JsonColumn, NameColumn, RefColumn, TimeColumn } from '../columns';
import { DirectoryEntity } from './directory.entity';

export type CleanupAction = 'DISABLE' | 'DELETE' | 'KEEP';

export interface CopyBehaviour {
  enabled: boolean;
  /** Directory ids, searched in this order for a user with the same userName. */
  sourceDirectoryIds: string[];
  memberships: boolean;
  lastLogin: boolean;
  properties: boolean;
}

export const DEFAULT_COPY_BEHAVIOUR: CopyBehaviour = Object.freeze({
  enabled: false,
  sourceDirectoryIds: [],
  memberships: true,
  lastLogin: true,
  properties: true,
}) as CopyBehaviour;

/** One identity provider's way in: its SCIM base URL, tokens, and the settings that derive its directory. */
@Entity('connectors')
export class ConnectorEntity {
  @IdColumn()
  id: string;

  @NameColumn()
  name: string;

  @RefColumn()
  directoryId: string;

  @OneToOne(() => DirectoryEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'directoryId' })
  directory?: DirectoryEntity;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'varchar', length: 16 })
  cleanupAction: CleanupAction;

  @JsonColumn()
  copyBehaviour: CopyBehaviour;

  @Column({ type: 'boolean' })
  logFreeMemory: boolean;

  /**
   * Grows with every change to the settings reconciliation follows (group policy, mappings,
   * cleanup, copy behaviour): a plan compiled at one version is stale at the next, on every node.
   */
  @Column({ type: 'int', default: 0 })
  settingsVersion: number;

  /** The settingsVersion the last finished full sync applied: behind settingsVersion, a full sync is due. */
  @Column({ type: 'int', default: 0 })
  syncedSettingsVersion: number;

  /**
   * The lease that lets one node at a time run this connector's full sync: the run holding it,
   * and until when (renewed while the run goes on; a crashed node's lease simply runs out).
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  syncLeaseOwner: string | null;

  @TimeColumn({ nullable: true })
  syncLeaseUntil: Date | null;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
