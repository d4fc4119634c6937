import { Column, Entity } from 'typeorm';
import { IdColumn, NameColumn, TimeColumn } from '../columns';

export type DirectoryKind = 'LOCAL' | 'CONNECTOR';

/** The id of the one local directory: users that existed before any connector. Made by the first migration. */
export const LOCAL_DIRECTORY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * A namespace of application users: the local directory, or one per connector. userName is unique
 * per directory; copy behaviour reads from other directories.
 */
@Entity('directories')
export class DirectoryEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DirectoryKind;

  @NameColumn()
  name: string;

  @TimeColumn()
  createdAt: Date;
}
