import { MigrationInterface, QueryRunner } from 'typeorm';

export class SyncRunProgress1796429710654 implements MigrationInterface {
  name = 'SyncRunProgress1796429710654';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `sync_runs` ADD `usersProcessed` int NOT NULL DEFAULT '0'");
    await queryRunner.query("ALTER TABLE `sync_runs` ADD `usersTotal` int NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `sync_runs` DROP COLUMN `usersTotal`");
    await queryRunner.query("ALTER TABLE `sync_runs` DROP COLUMN `usersProcessed`");
  }
}
