import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScimIndexes1795450530533 implements MigrationInterface {
  name = 'ScimIndexes1795450530533';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_55fc87979d801ead19a4495d93\"");
    await queryRunner.query("DROP INDEX \"IDX_e8ca9d263818aef49330038a4b\"");
    await queryRunner.query("CREATE TABLE \"idp_user_emails\" (\"userId\" varchar(36) NOT NULL, \"position\" integer NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"typeKey\" varchar(64), \"valueKey\" varchar(255) NOT NULL, \"primary\" boolean NOT NULL, PRIMARY KEY (\"userId\", \"position\"))");
    await queryRunner.query("CREATE INDEX \"IDX_70dd7616fa3edd72485c09696d\" ON \"idp_user_emails\" (\"valueKey\") ");
    await queryRunner.query("CREATE TABLE \"provisioning_events\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"at\" datetime(3) NOT NULL, \"operation\" varchar(16) NOT NULL, \"resourceType\" varchar(8) NOT NULL, \"resourceId\" varchar(36), \"status\" integer NOT NULL, \"durationMs\" integer NOT NULL)");
    await queryRunner.query("CREATE INDEX \"IDX_77b9f33ccdf13a060300e663de\" ON \"provisioning_events\" (\"connectorId\", \"at\") ");
    await queryRunner.query("DROP INDEX \"IDX_957884d8c1793644495176eeea\"");
    await queryRunner.query("CREATE TABLE \"temporary_idp_groups\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"externalId\" varchar(255), \"displayName\" varchar(255) NOT NULL, \"resource\" json NOT NULL, \"version\" integer NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"updatedAt\" datetime(3) NOT NULL, \"displayNameKey\" varchar(255) NOT NULL, CONSTRAINT \"FK_004fd4868e5ba129c62a70f5892\" FOREIGN KEY (\"connectorId\") REFERENCES \"connectors\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_idp_groups\"(\"id\", \"connectorId\", \"externalId\", \"displayName\", \"resource\", \"version\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"connectorId\", \"externalId\", \"displayName\", \"resource\", \"version\", \"createdAt\", \"updatedAt\" FROM \"idp_groups\"");
    await queryRunner.query("DROP TABLE \"idp_groups\"");
    await queryRunner.query("ALTER TABLE \"temporary_idp_groups\" RENAME TO \"idp_groups\"");
    await queryRunner.query("CREATE INDEX \"IDX_957884d8c1793644495176eeea\" ON \"idp_groups\" (\"connectorId\", \"externalId\") ");
    await queryRunner.query("CREATE INDEX \"IDX_7f07e4b56079411d58cb616b14\" ON \"idp_groups\" (\"connectorId\", \"updatedAt\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_c9231132729d7702a481e20c02\" ON \"idp_groups\" (\"connectorId\", \"displayNameKey\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_f78e49a34ec97517c36e755922\" ON \"users\" (\"idpUserId\") ");
    await queryRunner.query("DROP INDEX \"IDX_70dd7616fa3edd72485c09696d\"");
    await queryRunner.query("CREATE TABLE \"temporary_idp_user_emails\" (\"userId\" varchar(36) NOT NULL, \"position\" integer NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"typeKey\" varchar(64), \"valueKey\" varchar(255) NOT NULL, \"primary\" boolean NOT NULL, CONSTRAINT \"FK_567a6a9f3c801fdf0fad882262d\" FOREIGN KEY (\"userId\") REFERENCES \"idp_users\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY (\"userId\", \"position\"))");
    await queryRunner.query("INSERT INTO \"temporary_idp_user_emails\"(\"userId\", \"position\", \"connectorId\", \"typeKey\", \"valueKey\", \"primary\") SELECT \"userId\", \"position\", \"connectorId\", \"typeKey\", \"valueKey\", \"primary\" FROM \"idp_user_emails\"");
    await queryRunner.query("DROP TABLE \"idp_user_emails\"");
    await queryRunner.query("ALTER TABLE \"temporary_idp_user_emails\" RENAME TO \"idp_user_emails\"");
    await queryRunner.query("CREATE INDEX \"IDX_70dd7616fa3edd72485c09696d\" ON \"idp_user_emails\" (\"valueKey\") ");
    await queryRunner.query("DROP INDEX \"IDX_77b9f33ccdf13a060300e663de\"");
    await queryRunner.query("CREATE TABLE \"temporary_provisioning_events\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"at\" datetime(3) NOT NULL, \"operation\" varchar(16) NOT NULL, \"resourceType\" varchar(8) NOT NULL, \"resourceId\" varchar(36), \"status\" integer NOT NULL, \"durationMs\" integer NOT NULL, CONSTRAINT \"FK_49587cd6d604149109004cd6ec6\" FOREIGN KEY (\"connectorId\") REFERENCES \"connectors\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_provisioning_events\"(\"id\", \"connectorId\", \"at\", \"operation\", \"resourceType\", \"resourceId\", \"status\", \"durationMs\") SELECT \"id\", \"connectorId\", \"at\", \"operation\", \"resourceType\", \"resourceId\", \"status\", \"durationMs\" FROM \"provisioning_events\"");
    await queryRunner.query("DROP TABLE \"provisioning_events\"");
    await queryRunner.query("ALTER TABLE \"temporary_provisioning_events\" RENAME TO \"provisioning_events\"");
    await queryRunner.query("CREATE INDEX \"IDX_77b9f33ccdf13a060300e663de\" ON \"provisioning_events\" (\"connectorId\", \"at\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_77b9f33ccdf13a060300e663de\"");
    await queryRunner.query("ALTER TABLE \"provisioning_events\" RENAME TO \"temporary_provisioning_events\"");
    await queryRunner.query("CREATE TABLE \"provisioning_events\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"at\" datetime(3) NOT NULL, \"operation\" varchar(16) NOT NULL, \"resourceType\" varchar(8) NOT NULL, \"resourceId\" varchar(36), \"status\" integer NOT NULL, \"durationMs\" integer NOT NULL)");
    await queryRunner.query("INSERT INTO \"provisioning_events\"(\"id\", \"connectorId\", \"at\", \"operation\", \"resourceType\", \"resourceId\", \"status\", \"durationMs\") SELECT \"id\", \"connectorId\", \"at\", \"operation\", \"resourceType\", \"resourceId\", \"status\", \"durationMs\" FROM \"temporary_provisioning_events\"");
    await queryRunner.query("DROP TABLE \"temporary_provisioning_events\"");
    await queryRunner.query("CREATE INDEX \"IDX_77b9f33ccdf13a060300e663de\" ON \"provisioning_events\" (\"connectorId\", \"at\") ");
    await queryRunner.query("DROP INDEX \"IDX_70dd7616fa3edd72485c09696d\"");
    await queryRunner.query("ALTER TABLE \"idp_user_emails\" RENAME TO \"temporary_idp_user_emails\"");
    await queryRunner.query("CREATE TABLE \"idp_user_emails\" (\"userId\" varchar(36) NOT NULL, \"position\" integer NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"typeKey\" varchar(64), \"valueKey\" varchar(255) NOT NULL, \"primary\" boolean NOT NULL, PRIMARY KEY (\"userId\", \"position\"))");
    await queryRunner.query("INSERT INTO \"idp_user_emails\"(\"userId\", \"position\", \"connectorId\", \"typeKey\", \"valueKey\", \"primary\") SELECT \"userId\", \"position\", \"connectorId\", \"typeKey\", \"valueKey\", \"primary\" FROM \"temporary_idp_user_emails\"");
    await queryRunner.query("DROP TABLE \"temporary_idp_user_emails\"");
    await queryRunner.query("CREATE INDEX \"IDX_70dd7616fa3edd72485c09696d\" ON \"idp_user_emails\" (\"valueKey\") ");
    await queryRunner.query("DROP INDEX \"IDX_f78e49a34ec97517c36e755922\"");
    await queryRunner.query("DROP INDEX \"IDX_c9231132729d7702a481e20c02\"");
    await queryRunner.query("DROP INDEX \"IDX_7f07e4b56079411d58cb616b14\"");
    await queryRunner.query("DROP INDEX \"IDX_957884d8c1793644495176eeea\"");
    await queryRunner.query("ALTER TABLE \"idp_groups\" RENAME TO \"temporary_idp_groups\"");
    await queryRunner.query("CREATE TABLE \"idp_groups\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"connectorId\" varchar(36) NOT NULL, \"externalId\" varchar(255), \"displayName\" varchar(255) NOT NULL, \"resource\" json NOT NULL, \"version\" integer NOT NULL, \"createdAt\" datetime(3) NOT NULL, \"updatedAt\" datetime(3) NOT NULL, CONSTRAINT \"FK_004fd4868e5ba129c62a70f5892\" FOREIGN KEY (\"connectorId\") REFERENCES \"connectors\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"idp_groups\"(\"id\", \"connectorId\", \"externalId\", \"displayName\", \"resource\", \"version\", \"createdAt\", \"updatedAt\") SELECT \"id\", \"connectorId\", \"externalId\", \"displayName\", \"resource\", \"version\", \"createdAt\", \"updatedAt\" FROM \"temporary_idp_groups\"");
    await queryRunner.query("DROP TABLE \"temporary_idp_groups\"");
    await queryRunner.query("CREATE INDEX \"IDX_957884d8c1793644495176eeea\" ON \"idp_groups\" (\"connectorId\", \"externalId\") ");
    await queryRunner.query("DROP INDEX \"IDX_77b9f33ccdf13a060300e663de\"");
    await queryRunner.query("DROP TABLE \"provisioning_events\"");
    await queryRunner.query("DROP INDEX \"IDX_70dd7616fa3edd72485c09696d\"");
    await queryRunner.query("DROP TABLE \"idp_user_emails\"");
    await queryRunner.query("CREATE INDEX \"IDX_e8ca9d263818aef49330038a4b\" ON \"idp_users\" (\"connectorId\", \"displayName\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_55fc87979d801ead19a4495d93\" ON \"idp_groups\" (\"connectorId\", \"displayName\") ");
  }
}
