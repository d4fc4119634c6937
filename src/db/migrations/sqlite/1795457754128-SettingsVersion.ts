import { MigrationInterface, QueryRunner } from 'typeorm';

export class SettingsVersion1795457754128 implements MigrationInterface {
  name = 'SettingsVersion1795457754128';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"temporary_connectors\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(255) NOT NULL, \"directoryId\" varchar(36) NOT NULL, \"enabled\" boolean NOT NULL, \"cleanupAction\" varchar(16) NOT NULL, \"copyBehaviour\" json NOT NULL, \"logFreeMemory\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"updatedAt\" datetime(3) NOT NULL, \"syncLeaseOwner\" varchar(36), \"syncLeaseUntil\" datetime(3), \"settingsVersion\" integer NOT NULL DEFAULT (0), \"syncedSettingsVersion\" integer NOT NULL DEFAULT (0), CONSTRAINT \"REL_6b74d002230420b475a438aa85\" UNIQUE (\"directoryId\"), CONSTRAINT \"FK_6b74d002230420b475a438aa856\" FOREIGN KEY (\"directoryId\") REFERENCES \"directories\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_connectors\"(\"id\", \"name\", \"directoryId\", \"enabled\", \"cleanupAction\", \"copyBehaviour\", \"logFreeMemory\", \"createdAt\", \"updatedAt\", \"syncLeaseOwner\", \"syncLeaseUntil\") SELECT \"id\", \"name\", \"directoryId\", \"enabled\", \"cleanupAction\", \"copyBehaviour\", \"logFreeMemory\", \"createdAt\", \"updatedAt\", \"syncLeaseOwner\", \"syncLeaseUntil\" FROM \"connectors\"");
    await queryRunner.query("DROP TABLE \"connectors\"");
    await queryRunner.query("ALTER TABLE \"temporary_connectors\" RENAME TO \"connectors\"");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"connectors\" RENAME TO \"temporary_connectors\"");
    await queryRunner.query("CREATE TABLE \"connectors\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"name\" varchar(255) NOT NULL, \"directoryId\" varchar(36) NOT NULL, \"enabled\" boolean NOT NULL, \"cleanupAction\" varchar(16) NOT NULL, \"copyBehaviour\" json NOT NULL, \"logFreeMemory\" boolean NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"updatedAt\" datetime(3) NOT NULL, \"syncLeaseOwner\" varchar(36), \"syncLeaseUntil\" datetime(3), CONSTRAINT \"REL_6b74d002230420b475a438aa85\" UNIQUE (\"directoryId\"), CONSTRAINT \"FK_6b74d002230420b475a438aa856\" FOREIGN KEY (\"directoryId\") REFERENCES \"directories\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"connectors\"(\"id\", \"name\", \"directoryId\", \"enabled\", \"cleanupAction\", \"copyBehaviour\", \"logFreeMemory\", \"createdAt\", \"updatedAt\", \"syncLeaseOwner\", \"syncLeaseUntil\") SELECT \"id\", \"name\", \"directoryId\", \"enabled\", \"cleanupAction\", \"copyBehaviour\", \"logFreeMemory\", \"createdAt\", \"updatedAt\", \"syncLeaseOwner\", \"syncLeaseUntil\" FROM \"temporary_connectors\"");
    await queryRunner.query("DROP TABLE \"temporary_connectors\"");
  }
}
