import DataLoader from 'dataloader';
import type { RequestContext } from '../domain/context';
import type { GroupPolicy } from '../domain/policies/group-policy.service';
import type { MappingDefinition } from '../policy/mapping';
import type { Services } from '../domain/services';
import { createDirectoryLoaders, DirectoryLoaders } from './directory/directory.loaders';

/** Per-request batch loaders: a page of connectors reads its related rows in one statement each. */
export interface Loaders {
  groupPolicy: DataLoader<string, GroupPolicy>;
  attributeMappings: DataLoader<string, MappingDefinition[]>;
  directory: DirectoryLoaders;
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
  };
}
