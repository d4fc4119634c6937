import { MigrationInterface, QueryRunner } from 'typeorm';

export class DropUserEmailIndex1795460324722 implements MigrationInterface {
  name = 'DropUserEmailIndex1795460324722';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_97672ac88f789774dd47f7c8be\"");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"IDX_97672ac88f789774dd47f7c8be\" ON \"users\" (\"email\") ");
  }
}
