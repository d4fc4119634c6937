import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = '"userId" varchar(36) NOT NULL, "groupId" varchar(36) NOT NULL, "managedBy" varchar(16) NOT NULL, "createdAt" datetime(3) NOT NULL';
const CONSTRAINTS =
  'CONSTRAINT "FK_187d573e43b2c2aa3960df20b78" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ' +
  'CONSTRAINT "FK_0cd1858e93877b2ef239d4cf92c" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ' +
  'PRIMARY KEY ("userId", "groupId")';

/**
 * Written by hand: TypeORM's schema diff does not see `withoutRowid`. Without a rowid the table is
 * its primary key's B-tree, so every membership written updates two B-trees instead of three
 * (MySQL's InnoDB tables are clustered on their primary key already).
 */
export class MembershipsWithoutRowid1795459000000 implements MigrationInterface {
  name = 'MembershipsWithoutRowid1795459000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await this.rebuild(queryRunner, ' WITHOUT ROWID');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await this.rebuild(queryRunner, '');
  }

  private async rebuild(queryRunner: QueryRunner, options: string): Promise<void> {
    await queryRunner.query(`CREATE TABLE "temporary_memberships" (${COLUMNS}, ${CONSTRAINTS})${options}`);
    await queryRunner.query('INSERT INTO "temporary_memberships" ("userId", "groupId", "managedBy", "createdAt") SELECT "userId", "groupId", "managedBy", "createdAt" FROM "memberships"');
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('ALTER TABLE "temporary_memberships" RENAME TO "memberships"');
    await queryRunner.query('CREATE INDEX "IDX_1b73e5ee75de28dea0b6172841" ON "memberships" ("groupId", "userId") ');
  }
}
