import { MigrationInterface, QueryRunner } from 'typeorm';

interface Rebuilt {
  table: string;
  columns: string;
  constraints: string;
  names: string;
  index: string;
}

const TABLES: Rebuilt[] = [
  {
    table: 'idp_group_members',
    columns: '"groupId" varchar(36) NOT NULL, "memberId" varchar(36) NOT NULL, "memberType" varchar(8) NOT NULL, "createdAt" datetime(3) NOT NULL',
    constraints:
      'CONSTRAINT "FK_925f14346c08c4b98f85afac37f" FOREIGN KEY ("groupId") REFERENCES "idp_groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ' +
      'PRIMARY KEY ("groupId", "memberId")',
    names: '"groupId", "memberId", "memberType", "createdAt"',
    index: 'CREATE INDEX "IDX_6ee49ec3289be2bc9760da3b34" ON "idp_group_members" ("memberId", "groupId") ',
  },
  {
    table: 'idp_user_emails',
    columns:
      '"userId" varchar(36) NOT NULL, "position" integer NOT NULL, "connectorId" varchar(36) NOT NULL, "typeKey" varchar(64), "valueKey" varchar(255) NOT NULL, "primary" boolean NOT NULL',
    constraints:
      'CONSTRAINT "FK_567a6a9f3c801fdf0fad882262d" FOREIGN KEY ("userId") REFERENCES "idp_users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ' +
      'PRIMARY KEY ("userId", "position")',
    names: '"userId", "position", "connectorId", "typeKey", "valueKey", "primary"',
    index: 'CREATE INDEX "IDX_70dd7616fa3edd72485c09696d" ON "idp_user_emails" ("valueKey") ',
  },
];

/**
 * Written by hand, as MembershipsWithoutRowid: TypeORM's schema diff does not see `withoutRowid`.
 * The IdP layer's member and email rows then live in their primary key's B-tree alone: a member
 * a SCIM PATCH adds updates two B-trees instead of three.
 */
export class IdpRowsWithoutRowid1795461000000 implements MigrationInterface {
  name = 'IdpRowsWithoutRowid1795461000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await rebuild(queryRunner, table, ' WITHOUT ROWID');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await rebuild(queryRunner, table, '');
  }
}

async function rebuild(queryRunner: QueryRunner, { table, columns, constraints, names, index }: Rebuilt, options: string): Promise<void> {
  await queryRunner.query(`CREATE TABLE "temporary_${table}" (${columns}, ${constraints})${options}`);
  await queryRunner.query(`INSERT INTO "temporary_${table}" (${names}) SELECT ${names} FROM "${table}"`);
  await queryRunner.query(`DROP TABLE "${table}"`);
  await queryRunner.query(`ALTER TABLE "temporary_${table}" RENAME TO "${table}"`);
  await queryRunner.query(index);
}
