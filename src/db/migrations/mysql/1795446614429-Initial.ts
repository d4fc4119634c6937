import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795446614429 implements MigrationInterface {
  name = 'Initial1795446614429';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `admin_tokens` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `role` varchar(8) NOT NULL, `prefix` varchar(16) NOT NULL, `hash` varchar(64) NOT NULL, `createdAt` datetime(3) NOT NULL, `lastUsedAt` datetime(3) NULL, `revokedAt` datetime(3) NULL, UNIQUE INDEX `IDX_4404781b068ed11fdade68ad3f` (`name`), UNIQUE INDEX `IDX_826becc50d9febdf4e18fbe970` (`hash`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `directories` (`id` varchar(36) NOT NULL, `kind` varchar(16) NOT NULL, `name` varchar(255) NOT NULL, `createdAt` datetime(3) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `connectors` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `directoryId` varchar(36) NOT NULL, `enabled` tinyint NOT NULL, `cleanupAction` varchar(16) NOT NULL, `copyBehaviour` json NOT NULL, `logFreeMemory` tinyint NOT NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, UNIQUE INDEX `REL_6b74d002230420b475a438aa85` (`directoryId`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `attribute_mappings` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `target` varchar(32) NOT NULL, `property` varchar(255) NULL, `source` varchar(2000) NOT NULL, `transformations` json NOT NULL, `onNoMatch` varchar(16) NOT NULL, `position` int NOT NULL, UNIQUE INDEX `IDX_7d6d977d38aff30475d1ad48b7` (`connectorId`, `position`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `audit_events` (`id` int NOT NULL AUTO_INCREMENT, `at` datetime(3) NOT NULL, `actor` varchar(255) NOT NULL, `action` varchar(64) NOT NULL, `targetType` varchar(32) NOT NULL, `targetId` varchar(36) NULL, `before` json NULL, `after` json NULL, INDEX `IDX_87f9b612659a62dcd4fcf68c85` (`targetType`, `targetId`), INDEX `IDX_3648e11676f1929b9875ee272b` (`at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `connector_tokens` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `prefix` varchar(16) NOT NULL, `hash` varchar(64) NOT NULL, `createdAt` datetime(3) NOT NULL, `lastUsedAt` datetime(3) NULL, `expiresAt` datetime(3) NULL, INDEX `IDX_058fb4a9872f0d4ed4c6ab40c4` (`connectorId`, `expiresAt`), UNIQUE INDEX `IDX_487d825f2720d960e7c68de388` (`hash`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `groups` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `nameKey` varchar(255) NOT NULL, `origin` varchar(16) NOT NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, UNIQUE INDEX `IDX_4f72230d2ede5aadc8649d9983` (`nameKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `idp_groups` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `externalId` varchar(255) NULL, `displayName` varchar(255) NOT NULL, `resource` json NOT NULL, `version` int NOT NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, INDEX `IDX_957884d8c1793644495176eeea` (`connectorId`, `externalId`), UNIQUE INDEX `IDX_55fc87979d801ead19a4495d93` (`connectorId`, `displayName`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `idp_group_members` (`groupId` varchar(36) NOT NULL, `memberId` varchar(36) NOT NULL, `memberType` varchar(8) NOT NULL, `createdAt` datetime(3) NOT NULL, INDEX `IDX_31472f6cd10ae1fd47b7634e13` (`memberId`), PRIMARY KEY (`groupId`, `memberId`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `idp_users` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `externalId` varchar(255) NULL, `userName` varchar(255) NOT NULL, `userNameKey` varchar(255) NOT NULL, `displayName` varchar(255) NULL, `active` tinyint NOT NULL, `resource` json NOT NULL, `version` int NOT NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, INDEX `IDX_e8ca9d263818aef49330038a4b` (`connectorId`, `displayName`), INDEX `IDX_6c11327c5931ba519529e77e9f` (`connectorId`, `externalId`), UNIQUE INDEX `IDX_1588c6cb39fb316278553b73c5` (`connectorId`, `userNameKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `users` (`id` varchar(36) NOT NULL, `directoryId` varchar(36) NOT NULL, `idpUserId` varchar(36) NULL, `userName` varchar(255) NOT NULL, `userNameKey` varchar(255) NOT NULL, `displayName` varchar(255) NULL, `email` varchar(255) NULL, `firstName` varchar(255) NULL, `lastName` varchar(255) NULL, `active` tinyint NOT NULL, `disabledReason` varchar(16) NULL, `properties` json NOT NULL, `lastLoginAt` datetime(3) NULL, `createdAt` datetime(3) NOT NULL, `updatedAt` datetime(3) NOT NULL, INDEX `IDX_97672ac88f789774dd47f7c8be` (`email`), INDEX `IDX_e1385fb5e8d5d3132a9fc5206c` (`directoryId`, `active`), UNIQUE INDEX `IDX_77bdd3901e73bb663943b2a89a` (`directoryId`, `userNameKey`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `memberships` (`userId` varchar(36) NOT NULL, `groupId` varchar(36) NOT NULL, `managedBy` varchar(16) NOT NULL, `createdAt` datetime(3) NOT NULL, INDEX `IDX_0cd1858e93877b2ef239d4cf92` (`groupId`), PRIMARY KEY (`userId`, `groupId`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `policy_rules` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `kind` varchar(16) NOT NULL, `pattern` varchar(1000) NOT NULL, `position` int NOT NULL, UNIQUE INDEX `IDX_2bfbe1531f1b7f88727f797186` (`connectorId`, `kind`, `position`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `sync_runs` (`id` varchar(36) NOT NULL, `connectorId` varchar(36) NOT NULL, `kind` varchar(16) NOT NULL, `status` varchar(16) NOT NULL, `startedAt` datetime(3) NOT NULL, `finishedAt` datetime(3) NULL, `lastActivityAt` datetime(3) NOT NULL, `usersCreated` int NOT NULL DEFAULT '0', `usersUpdated` int NOT NULL DEFAULT '0', `usersDisabled` int NOT NULL DEFAULT '0', `usersEnabled` int NOT NULL DEFAULT '0', `usersDeleted` int NOT NULL DEFAULT '0', `membershipsAdded` int NOT NULL DEFAULT '0', `membershipsRemoved` int NOT NULL DEFAULT '0', `errors` int NOT NULL DEFAULT '0', `memory` json NULL, `diff` json NULL, INDEX `IDX_43edad4e9e54eaa1334fff5bd1` (`connectorId`, `startedAt`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `sync_log_entries` (`id` int NOT NULL AUTO_INCREMENT, `syncRunId` varchar(36) NOT NULL, `at` datetime(3) NOT NULL, `level` varchar(8) NOT NULL, `message` varchar(1000) NOT NULL, `userName` varchar(255) NULL, `details` json NULL, INDEX `IDX_029382368bf68367b8be0e12ef` (`syncRunId`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("ALTER TABLE `connectors` ADD CONSTRAINT `FK_6b74d002230420b475a438aa856` FOREIGN KEY (`directoryId`) REFERENCES `directories`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `attribute_mappings` ADD CONSTRAINT `FK_f3b51f352e424c90aa926a7a37f` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `connector_tokens` ADD CONSTRAINT `FK_3ae7d74f9a4772fb1d6a6389bb2` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `idp_groups` ADD CONSTRAINT `FK_004fd4868e5ba129c62a70f5892` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `idp_group_members` ADD CONSTRAINT `FK_925f14346c08c4b98f85afac37f` FOREIGN KEY (`groupId`) REFERENCES `idp_groups`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `idp_users` ADD CONSTRAINT `FK_0f68eef8297c88ac5261468be78` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `users` ADD CONSTRAINT `FK_f56d74a7505333294f76c947d43` FOREIGN KEY (`directoryId`) REFERENCES `directories`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `users` ADD CONSTRAINT `FK_f78e49a34ec97517c36e755922f` FOREIGN KEY (`idpUserId`) REFERENCES `idp_users`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `memberships` ADD CONSTRAINT `FK_187d573e43b2c2aa3960df20b78` FOREIGN KEY (`userId`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `memberships` ADD CONSTRAINT `FK_0cd1858e93877b2ef239d4cf92c` FOREIGN KEY (`groupId`) REFERENCES `groups`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `policy_rules` ADD CONSTRAINT `FK_132bdb0cb3bd9f5fbd38d68d292` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `sync_runs` ADD CONSTRAINT `FK_ad16eafa0028dd75b044b2f9aee` FOREIGN KEY (`connectorId`) REFERENCES `connectors`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE `sync_log_entries` ADD CONSTRAINT `FK_0251dce08a57fdb461f322ae064` FOREIGN KEY (`syncRunId`) REFERENCES `sync_runs`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE `sync_log_entries` DROP FOREIGN KEY `FK_0251dce08a57fdb461f322ae064`");
    await queryRunner.query("ALTER TABLE `sync_runs` DROP FOREIGN KEY `FK_ad16eafa0028dd75b044b2f9aee`");
    await queryRunner.query("ALTER TABLE `policy_rules` DROP FOREIGN KEY `FK_132bdb0cb3bd9f5fbd38d68d292`");
    await queryRunner.query("ALTER TABLE `memberships` DROP FOREIGN KEY `FK_0cd1858e93877b2ef239d4cf92c`");
    await queryRunner.query("ALTER TABLE `memberships` DROP FOREIGN KEY `FK_187d573e43b2c2aa3960df20b78`");
    await queryRunner.query("ALTER TABLE `users` DROP FOREIGN KEY `FK_f78e49a34ec97517c36e755922f`");
    await queryRunner.query("ALTER TABLE `users` DROP FOREIGN KEY `FK_f56d74a7505333294f76c947d43`");
    await queryRunner.query("ALTER TABLE `idp_users` DROP FOREIGN KEY `FK_0f68eef8297c88ac5261468be78`");
    await queryRunner.query("ALTER TABLE `idp_group_members` DROP FOREIGN KEY `FK_925f14346c08c4b98f85afac37f`");
    await queryRunner.query("ALTER TABLE `idp_groups` DROP FOREIGN KEY `FK_004fd4868e5ba129c62a70f5892`");
    await queryRunner.query("ALTER TABLE `connector_tokens` DROP FOREIGN KEY `FK_3ae7d74f9a4772fb1d6a6389bb2`");
    await queryRunner.query("ALTER TABLE `attribute_mappings` DROP FOREIGN KEY `FK_f3b51f352e424c90aa926a7a37f`");
    await queryRunner.query("ALTER TABLE `connectors` DROP FOREIGN KEY `FK_6b74d002230420b475a438aa856`");
    await queryRunner.query("DROP INDEX `IDX_029382368bf68367b8be0e12ef` ON `sync_log_entries`");
    await queryRunner.query("DROP TABLE `sync_log_entries`");
    await queryRunner.query("DROP INDEX `IDX_43edad4e9e54eaa1334fff5bd1` ON `sync_runs`");
    await queryRunner.query("DROP TABLE `sync_runs`");
    await queryRunner.query("DROP INDEX `IDX_2bfbe1531f1b7f88727f797186` ON `policy_rules`");
    await queryRunner.query("DROP TABLE `policy_rules`");
    await queryRunner.query("DROP INDEX `IDX_0cd1858e93877b2ef239d4cf92` ON `memberships`");
    await queryRunner.query("DROP TABLE `memberships`");
    await queryRunner.query("DROP INDEX `IDX_77bdd3901e73bb663943b2a89a` ON `users`");
    await queryRunner.query("DROP INDEX `IDX_e1385fb5e8d5d3132a9fc5206c` ON `users`");
    await queryRunner.query("DROP INDEX `IDX_97672ac88f789774dd47f7c8be` ON `users`");
    await queryRunner.query("DROP TABLE `users`");
    await queryRunner.query("DROP INDEX `IDX_1588c6cb39fb316278553b73c5` ON `idp_users`");
    await queryRunner.query("DROP INDEX `IDX_6c11327c5931ba519529e77e9f` ON `idp_users`");
    await queryRunner.query("DROP INDEX `IDX_e8ca9d263818aef49330038a4b` ON `idp_users`");
    await queryRunner.query("DROP TABLE `idp_users`");
    await queryRunner.query("DROP INDEX `IDX_31472f6cd10ae1fd47b7634e13` ON `idp_group_members`");
    await queryRunner.query("DROP TABLE `idp_group_members`");
    await queryRunner.query("DROP INDEX `IDX_55fc87979d801ead19a4495d93` ON `idp_groups`");
    await queryRunner.query("DROP INDEX `IDX_957884d8c1793644495176eeea` ON `idp_groups`");
    await queryRunner.query("DROP TABLE `idp_groups`");
    await queryRunner.query("DROP INDEX `IDX_4f72230d2ede5aadc8649d9983` ON `groups`");
    await queryRunner.query("DROP TABLE `groups`");
    await queryRunner.query("DROP INDEX `IDX_487d825f2720d960e7c68de388` ON `connector_tokens`");
    await queryRunner.query("DROP INDEX `IDX_058fb4a9872f0d4ed4c6ab40c4` ON `connector_tokens`");
    await queryRunner.query("DROP TABLE `connector_tokens`");
    await queryRunner.query("DROP INDEX `IDX_3648e11676f1929b9875ee272b` ON `audit_events`");
    await queryRunner.query("DROP INDEX `IDX_87f9b612659a62dcd4fcf68c85` ON `audit_events`");
    await queryRunner.query("DROP TABLE `audit_events`");
    await queryRunner.query("DROP INDEX `IDX_7d6d977d38aff30475d1ad48b7` ON `attribute_mappings`");
    await queryRunner.query("DROP TABLE `attribute_mappings`");
    await queryRunner.query("DROP INDEX `REL_6b74d002230420b475a438aa85` ON `connectors`");
    await queryRunner.query("DROP TABLE `connectors`");
    await queryRunner.query("DROP TABLE `directories`");
    await queryRunner.query("DROP INDEX `IDX_826becc50d9febdf4e18fbe970` ON `admin_tokens`");
    await queryRunner.query("DROP INDEX `IDX_4404781b068ed11fdade68ad3f` ON `admin_tokens`");
    await queryRunner.query("DROP TABLE `admin_tokens`");
  }
}
