import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScimIndexes1795450530533 implements MigrationInterface {
  name = 'ScimIndexes1795450530533';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX `IDX_55fc87979d801ead19a4495d93` ON `idp_groups`");
    await queryRunner.query("DROP INDEX `IDX_e8ca9d263818aef49330038a4b` ON `idp_users`");
    await queryRunner.query("CREATE TABLE `idp_user_emails` (`userId` varchar(36) NOT NULL, `position` int NOT NULL, `connectorId` varchar(36) NOT NULL, `typeKey` varchar(64) NULL, `valueKey` varchar(255) NOT NULL, `primary` tinyint NOT NULL, INDEX `IDX_70dd7616fa3edd72485c09696d` (`valueKey`), PRIMARY KEY (`userId`, `position`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `provisioning_events` (`id` int NOT NULL AUTO_INCREMENT, `connectorId` varchar(36) NOT NULL, `at` datetime(3) NOT NULL, `operation` varchar(16) NOT NULL, `resourceType` varchar(8) NOT NULL, `resourceId` varchar(36) NULL, `status` int NOT NULL, `durationMs` int NOT NULL, INDEX `IDX_77b9f33ccdf13a060300e663de` (`connectorId`, `at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("ALTER TABLE `idp_groups` ADD `displayNameKey` varchar(255) NOT NULL");
    await queryRunner.query("ALTER TABLE `users` DROP FOREIGN KEY `FK_f78e49a34ec97517c36e755922f`");
    await queryRunner.query("ALTER TABLE `users` ADD UNIQUE INDEX `IDX_f78e49a34ec97517c36e755922` (`idpUserId`)");
    await queryRunner.query("CREATE INDEX `IDX_7f07e4b56079411d58cb616b14` ON `idp_groups` (`connectorId`, `updatedAt`)");
    await queryRunner.query("CREATE UNIQUE INDEX `IDX_c9231132729d7702a481e20c02` ON `idp_groups` (`connectorId`, `displayNameKey`)");
    await queryRunner.query("ALTER TABLE `idp_user_emails` ADD CONSTRAINT `FK_567a6a9f3c801fdf0fad882262d` FOREIGN KEY (`userId`) REFERENCES `idp_users`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `users` ADD CONSTRAINT `FK_f78e49a34ec97517c36e755922f` FOREIGN KEY (`idpUserId`) REFERENCES `idp_users`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `provisioning_events` ADD CONSTRAINT `FK_49587cd6d604149109004cd6ec6` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `provisioning_events` DROP FOREIGN KEY `FK_49587cd6d604149109004cd6ec6`");
    await queryRunner.query("ALTER TABLE `users` DROP FOREIGN KEY `FK_f78e49a34ec97517c36e755922f`");
    await queryRunner.query("ALTER TABLE `idp_user_emails` DROP FOREIGN KEY `FK_567a6a9f3c801fdf0fad882262d`");
    await queryRunner.query("DROP INDEX `IDX_c9231132729d7702a481e20c02` ON `idp_groups`");
    await queryRunner.query("DROP INDEX `IDX_7f07e4b56079411d58cb616b14` ON `idp_groups`");
    await queryRunner.query("ALTER TABLE `users` DROP INDEX `IDX_f78e49a34ec97517c36e755922`");
    await queryRunner.query("ALTER TABLE `users` ADD CONSTRAINT `FK_f78e49a34ec97517c36e755922f` FOREIGN KEY (`idpUserId`) REFERENCES `idp_users`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `idp_groups` DROP COLUMN `displayNameKey`");
    await queryRunner.query("DROP INDEX `IDX_77b9f33ccdf13a060300e663de` ON `provisioning_events`");
    await queryRunner.query("DROP TABLE `provisioning_events`");
    await queryRunner.query("DROP INDEX `IDX_70dd7616fa3edd72485c09696d` ON `idp_user_emails`");
    await queryRunner.query("DROP TABLE `idp_user_emails`");
    await queryRunner.query("CREATE INDEX `IDX_e8ca9d263818aef49330038a4b` ON `idp_users` (`connectorId`, `displayName`)");
    await queryRunner.query("CREATE UNIQUE INDEX `IDX_55fc87979d801ead19a4495d93` ON `idp_groups` (`connectorId`, `displayName`)");
  }
}
