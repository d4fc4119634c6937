import { MigrationInterface, QueryRunner } from 'typeorm';

export class SyncLease1795452627345 implements MigrationInterface {
  name = 'SyncLease1795452627345';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `connectors` ADD `syncLeaseOwner` varchar(36) NULL");
    await queryRunner.query("ALTER TABLE `connectors` ADD `syncLeaseUntil` datetime(3) NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `connectors` DROP COLUMN `syncLeaseUntil`");
    await queryRunner.query("ALTER TABLE `connectors` DROP COLUMN `syncLeaseOwner`");
  }
}
