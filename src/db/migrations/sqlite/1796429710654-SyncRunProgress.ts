import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: TypeORM would rebuild the table, and dropping sync_runs inside the migration's
 * transaction (where foreign keys cannot be switched off) would cascade to every run's log.
 */
export class SyncRunProgress1796429710654 implements MigrationInterface {
  name = 'SyncRunProgress1796429710654';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "sync_runs" ADD COLUMN "usersProcessed" integer NOT NULL DEFAULT (0)');
    await queryRunner.query('ALTER TABLE "sync_runs" ADD COLUMN "usersTotal" integer');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "sync_runs" DROP COLUMN "usersTotal"');
    await queryRunner.query('ALTER TABLE "sync_runs" DROP COLUMN "usersProcessed"');
  }
}
