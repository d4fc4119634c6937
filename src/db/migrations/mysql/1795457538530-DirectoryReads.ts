import { MigrationInterface, QueryRunner } from 'typeorm';

export class DirectoryReads1795457538530 implements MigrationInterface {
  name = 'DirectoryReads1795457538530';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The new memberships index first: the foreign key on groupId needs an index at every moment.
    await queryRunner.query("CREATE INDEX `IDX_users_userNameKey_directoryId` ON `users` (`userNameKey`, `directoryId`)");
    await queryRunner.query("CREATE INDEX `IDX_1b73e5ee75de28dea0b6172841` ON `memberships` (`groupId`, `userId`)");
    await queryRunner.query("DROP INDEX `IDX_0cd1858e93877b2ef239d4cf92` ON `memberships`");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX `IDX_0cd1858e93877b2ef239d4cf92` ON `memberships` (`groupId`)");
    await queryRunner.query("DROP INDEX `IDX_1b73e5ee75de28dea0b6172841` ON `memberships`");
    await queryRunner.query("DROP INDEX `IDX_users_userNameKey_directoryId` ON `users`");
  }
}
