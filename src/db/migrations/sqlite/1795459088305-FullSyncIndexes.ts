import { MigrationInterface, QueryRunner } from 'typeorm';

export class FullSyncIndexes1795459088305 implements MigrationInterface {
  name = 'FullSyncIndexes1795459088305';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_31472f6cd10ae1fd47b7634e13\"");
    await queryRunner.query("CREATE INDEX \"IDX_6ee49ec3289be2bc9760da3b34\" ON \"idp_group_members\" (\"memberId\", \"groupId\") ");
    await queryRunner.query("CREATE INDEX \"IDX_d9f81ad85e3389ac7e3f82546e\" ON \"idp_users\" (\"connectorId\", \"id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_d9f81ad85e3389ac7e3f82546e\"");
    await queryRunner.query("DROP INDEX \"IDX_6ee49ec3289be2bc9760da3b34\"");
    await queryRunner.query("CREATE INDEX \"IDX_31472f6cd10ae1fd47b7634e13\" ON \"idp_group_members\" (\"memberId\") ");
  }
}
