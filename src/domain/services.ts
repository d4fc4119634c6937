import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { Transactions } from '../db/transactions';
import type { Logger } from '../logger';
import { AdminTokenService } from './admin/admin-token.service';
import { AuditService } from './audit/audit.service';
import { ConnectorService } from './connectors/connector.service';
import { IdpGroupService } from './idp/idp-group.service';
import { IdpUserService } from './idp/idp-user.service';
import { ProvisioningLog } from './idp/provisioning-log';
import { GroupPolicyService } from './policies/group-policy.service';

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
  provisioningLog: ProvisioningLog;
  /** Writes what is buffered; call before closing the database. */
  close(): Promise<void>;
}

export function createServices(dataSource: DataSource, config: Pick<Config, 'adminToken'>, log: Logger): Services {
  const transactions = new Transactions(dataSource);
  const audit = new AuditService();
  const provisioningLog = new ProvisioningLog(dataSource, transactions, log);
  return {
    dataSource,
    transactions,
    audit,
    adminTokens: new AdminTokenService(dataSource, transactions, config.adminToken),
    connectors: new ConnectorService(dataSource, transactions, audit),
    idpUsers: new IdpUserService(dataSource, transactions),
    idpGroups: new IdpGroupService(dataSource, transactions),
    groupPolicies: new GroupPolicyService(dataSource, transactions, audit),
    provisioningLog,
    close: () => provisioningLog.close(),
  };
}
