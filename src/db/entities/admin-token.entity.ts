import { Column, Entity } from 'typeorm';
import { IdColumn, NameColumn, TimeColumn } from '../columns';

export type AdminRole = 'ADMIN' | 'READER';

/** A token for the GraphQL admin API. Only its SHA-256 is stored. */
@Entity('admin_tokens')
export class AdminTokenEntity {
  @IdColumn()
  id: string;

  @NameColumn({ unique: true })
  name: string;

  @Column({ type: 'varchar', length: 8 })
  role: AdminRole;

  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  hash: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  @TimeColumn({ nullable: true })
  revokedAt: Date | null;
}
