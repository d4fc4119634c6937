import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { Transactions } from '../db/transactions';
import type { Logger } from '../logger';
import type { PathReader } from '../policy/mapping';
import { AdminTokenService } from './admin/admin-token.service';
import { AuditService } from './audit/audit.service';
import { ConnectorService } from './connectors/connector.service';
import { SettingsChanges } from './connectors/settings-changes';
import { GroupService } from './directory/group.service';
import { MembershipService } from './directory/membership.service';
import { UserService } from './directory/user.service';
import { IdpGroupService } from './idp/idp-group.service';
import { IdpUserService } from './idp/idp-user.service';
import { ProvisioningLog } from './idp/provisioning-log';
import { AttributeMappingService } from './mappings/attribute-mapping.service';
import { GroupPolicyService } from './policies/group-policy.service';
import { DirectorySyncService } from './sync/directory-sync.service';
import { SyncCycles } from './sync/sync-cycles';
import { SyncRunService } from './sync/sync-run.service';

/** Every domain service, made once per process and shared by both fronts. */
export interface Services {
  dataSource: DataSource;
  transactions: Transactions;
  audit: AuditService;
  adminTokens: AdminTokenService;
  connectors: ConnectorService;
  idpUsers: IdpUserService;
  idpGroups: IdpGroupService;
  groupPolicies: GroupPolicyService;
  attributeMappings: AttributeMappingService;
  syncRuns: SyncRunService;
  syncCycles: SyncCycles;
  provisioningLog: ProvisioningLog;
  users: UserService;
  groups: GroupService;
  memberships: MembershipService;
  /** Writes what is buffered; call before closing the database. */
  close(): Promise<void>;
}

/** What the services need from outside the domain: the operator's settings, and how to read SCIM paths. */
export interface ServiceSettings extends Pick<Config, 'adminToken' | 'syncLeaseSeconds'> {
  pathReader: PathReader;
  /** How long SCIM traffic may pause before its incremental cycle ends (tests shorten it). */
  cycleGapMs?: number;
}

export function createServices(dataSource: DataSource, settings: ServiceSettings, log: Logger): Services {
  const transactions = new Transactions(dataSource);
  const audit = new AuditService(dataSource);
  const provisioningLog = new ProvisioningLog(dataSource, transactions, log);
  const settingsChanges = new SettingsChanges();
  const connectors = new ConnectorService(dataSource, transactions, audit, settingsChanges);
  const groupPolicies = new GroupPolicyService(dataSource, transactions, audit, settingsChanges);
  const attributeMappings = new AttributeMappingService(dataSource, transactions, audit, settings.pathReader, settingsChanges);
  const syncCycles = new SyncCycles(dataSource, transactions, log, settings.cycleGapMs);
  const directorySync = new DirectorySyncService(dataSource, transactions, groupPolicies, attributeMappings, settings.pathReader, syncCycles);
  const syncRuns = new SyncRunService(dataSource, transactions, connectors, directorySync, audit, settingsChanges, log, settings.syncLeaseSeconds * 1000);
  return {
    dataSource,
    transactions,
    audit,
    adminTokens: new AdminTokenService(dataSource, transactions, audit, settings.adminToken),
    connectors,
    idpUsers: new IdpUserService(dataSource, transactions, directorySync),
    idpGroups: new IdpGroupService(dataSource, transactions, directorySync),
    groupPolicies,
    attributeMappings,
    syncRuns,
    syncCycles,
    provisioningLog,
    users: new UserService(dataSource, transactions, audit),
    groups: new GroupService(dataSource, transactions, audit),
    memberships: new MembershipService(dataSource, transactions, audit, directorySync),
    close: async () => {
      await syncRuns.close();
      await provisioningLog.close();
      await syncCycles.close();
    },
  };
}
