import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { AdminTokenService } from './admin/admin-token.service';
import { AuditService } from './audit/audit.service';
import { ConnectorService } from './connectors/connector.service';

/** Every domain service, made once per process and shared by both fronts. */
export interface Services {
  dataSource: DataSource;
  audit: AuditService;
  adminTokens: AdminTokenService;
  connectors: ConnectorService;
}

export function createServices(dataSource: DataSource, config: Pick<Config, 'adminToken'>): Services {
  const audit = new AuditService();
  return {
    dataSource,
    audit,
    adminTokens: new AdminTokenService(dataSource, config.adminToken),
    connectors: new ConnectorService(dataSource, audit),
  };
}
