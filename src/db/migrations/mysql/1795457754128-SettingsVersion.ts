import { MigrationInterface, QueryRunner } from 'typeorm';

export class SettingsVersion1795457754128 implements MigrationInterface {
  name = 'SettingsVersion1795457754128';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `connectors` ADD `settingsVersion` int NOT NULL DEFAULT '0'");
    await queryRunner.query("ALTER TABLE `connectors` ADD `syncedSettingsVersion` int NOT NULL DEFAULT '0'");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `connectors` DROP COLUMN `syncedSettingsVersion`");
    await queryRunner.query("ALTER TABLE `connectors` DROP COLUMN `settingsVersion`");
  }
}
