import DataLoader from 'dataloader';
import type { RequestContext } from '../domain/context';
import type { ConnectorTokenEntity } from '../db/entities/connector-token.entity';
import type { SyncRunEntity } from '../db/entities/sync-run.entity';
import type { SyncLogEntryEntity } from '../db/entities/sync-log-entry.entity';
import type { DirectoryStats, Page } from '../domain/directory/directory.types';
import type { LogPageRequest, RunPageRequest } from '../domain/sync/sync-run.service';
import type { GroupPolicy } from '../domain/policies/group-policy.service';
import type { MappingDefinition } from '../policy/mapping';
import type { Services } from '../domain/services';
import { createDirectoryLoaders, DirectoryLoaders } from './directory/directory.loaders';
import { pageLoader } from './page-loader';

/** Per-request batch loaders: a page of connectors reads its related rows in one statement each. */
export interface Loaders {
  groupPolicy: DataLoader<string, GroupPolicy>;
  attributeMappings: DataLoader<string, MappingDefinition[]>;
  directory: DirectoryLoaders;
  /** A connector's directory counts, by directory id. */
  directoryStats: DataLoader<string, DirectoryStats>;
  /** A connector's newest full sync or incremental cycle, by connector id. */
  lastSync: DataLoader<string, SyncRunEntity | null>;
  connectorTokens: DataLoader<string, ConnectorTokenEntity[]>;
  /** A page of a connector's sync runs. */
  syncRunPages: DataLoader<RunPageRequest, Page<SyncRunEntity>, string>;
  /** A page of a sync run's log. */
  logPages: DataLoader<LogPageRequest, Page<SyncLogEntryEntity>, string>;
}

export function createLoaders(services: Services, request: RequestContext): Loaders {
  return {
    groupPolicy: new DataLoader(async (connectorIds) => {
      const policies = await services.groupPolicies.forConnectors(request, connectorIds);
      return connectorIds.map((id) => policies.get(id)!);
    }),
    attributeMappings: new DataLoader(async (connectorIds) => {
      const mappings = await services.attributeMappings.forConnectors(request, connectorIds);
      return connectorIds.map((id) => mappings.get(id)!);
    }),
    directory: createDirectoryLoaders(services, request),
    directoryStats: new DataLoader(async (directoryIds) => {
      const stats = await services.users.statsOf(request, directoryIds);
      return directoryIds.map((id) => stats.get(id)!);
    }),
    lastSync: new DataLoader(async (connectorIds) => {
      const runs = await services.syncRuns.latest(request, connectorIds);
      return connectorIds.map((id) => runs.get(id) ?? null);
    }),
    syncRunPages: pageLoader((requests: readonly RunPageRequest[]) => services.syncRuns.pages(request, requests)),
    logPages: pageLoader((requests: readonly LogPageRequest[]) => services.syncRuns.logPages(request, requests)),
    connectorTokens: new DataLoader(async (connectorIds) => {
      const tokens = await services.connectors.tokensOf(request, connectorIds);
      return connectorIds.map((id) => tokens.get(id)!);
    }),
  };
}
