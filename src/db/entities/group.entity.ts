import { Column, Entity } from 'typeorm';
import { IdColumn, NameColumn, TimeColumn } from '../columns';

/** Where a group came from: an IdP group, a policy (always assign), or an admin. */
export type GroupOrigin = 'IDP' | 'POLICY' | 'LOCAL';

/** An application group (directory layer). Names are unique regardless of case. */
@Entity('groups')
export class GroupEntity {
  @IdColumn()
  id: string;

  @NameColumn()
  name: string;

  @NameColumn({ unique: true })
  nameKey: string;

  @Column({ type: 'varchar', length: 16 })
  origin: GroupOrigin;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
