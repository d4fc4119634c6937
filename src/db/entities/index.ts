import { AdminTokenEntity } from './admin-token.entity';
import { AttributeMappingEntity } from './attribute-mapping.entity';
import { AuditEventEntity } from './audit-event.entity';
import { ConnectorTokenEntity } from './connector-token.entity';
import { ConnectorEntity } from './connector.entity';
import { DirectoryEntity } from './directory.entity';
import { GroupEntity } from './group.entity';
import { IdpGroupMemberEntity } from './idp-group-member.entity';
import { IdpGroupEntity } from './idp-group.entity';
import { IdpUserEmailEntity } from './idp-user-email.entity';
import { IdpUserEntity } from './idp-user.entity';
import { MembershipEntity } from './membership.entity';
import { PolicyRuleEntity } from './policy-rule.entity';
import { ProvisioningEventEntity } from './provisioning-event.entity';
import { SyncLogEntryEntity } from './sync-log-entry.entity';
import { SyncRunEntity } from './sync-run.entity';
import { UserEntity } from './user.entity';

export const ENTITIES = [
  DirectoryEntity,
  ConnectorEntity,
  ConnectorTokenEntity,
  PolicyRuleEntity,
  AttributeMappingEntity,
  IdpUserEntity,
  IdpUserEmailEntity,
  IdpGroupEntity,
  IdpGroupMemberEntity,
  UserEntity,
  GroupEntity,
  MembershipEntity,
  SyncRunEntity,
  SyncLogEntryEntity,
  AdminTokenEntity,
  AuditEventEntity,
  ProvisioningEventEntity,
];

export {
  AdminTokenEntity,
  AttributeMappingEntity,
  AuditEventEntity,
  ConnectorEntity,
  ConnectorTokenEntity,
  DirectoryEntity,
  GroupEntity,
  IdpGroupEntity,
  IdpGroupMemberEntity,
  IdpUserEmailEntity,
  IdpUserEntity,
  MembershipEntity,
  PolicyRuleEntity,
  ProvisioningEventEntity,
  SyncLogEntryEntity,
  SyncRunEntity,
  UserEntity,
};
