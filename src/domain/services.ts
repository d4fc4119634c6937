import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { Transactions } from '../db/transactions';
import type { Logger } from '../logger';
import type { PathReader } from '../policy/mapping';
import { AdminTokenService } from './admin/admin-token.service';
import { AuditService } from './audit/audit.service';
import { ConnectorService } from './connectors/connector.service';
import { IdpGroupService } from './idp/idp-group.service';
import { IdpUserService } from './idp/idp-user.service';
import { ProvisioningLog } from './idp/provisioning-log';
import { AttributeMappingService } from './mappings/attribute-mapping.service';
import { GroupPolicyService } from './policies/group-policy.service';
import { DirectorySyncService } from './sync/directory-sync.service';
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
  provisioningLog: ProvisioningLog;
  /** Writes what is buffered; call before closing the database. */
  close(): Promise<void>;
}

/** What the services need from outside the domain: the operator's settings, and how to read SCIM paths. */
export interface ServiceSettings extends Pick<Config, 'adminToken' | 'syncLeaseSeconds'> {
  pathReader: PathReader;
}

export function createServices(dataSource: DataSource, settings: ServiceSettings, log: Logger): Services {
  const transactions = new Transactions(dataSource);
  const audit = new AuditService();
  const provisioningLog = new ProvisioningLog(dataSource, transactions, log);
  const connectors = new ConnectorService(dataSource, transactions, audit);
  const groupPolicies = new GroupPolicyService(dataSource, transactions, audit);
  const attributeMappings = new AttributeMappingService(dataSource, transactions, audit, settings.pathReader);
  const directorySync = new DirectorySyncService(dataSource, transactions, groupPolicies, attributeMappings, settings.pathReader);
  return {
    dataSource,
    transactions,
    audit,
    adminTokens: new AdminTokenService(dataSource, transactions, settings.adminToken),
    connectors,
    idpUsers: new IdpUserService(dataSource, transactions),
    idpGroups: new IdpGroupService(dataSource, transactions),
    groupPolicies,
    attributeMappings,
    syncRuns: new SyncRunService(dataSource, transactions, connectors, directorySync, log, settings.syncLeaseSeconds * 1000),
    provisioningLog,
    close: () => provisioningLog.close(),
  };
}
