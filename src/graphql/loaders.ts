import DataLoader from 'dataloader';
import type { RequestContext } from '../domain/context';
import type { GroupPolicy } from '../domain/policies/group-policy.service';
import type { Services } from '../domain/services';

/** Per-request batch loaders: a page of connectors reads its related rows in one statement each. */
export interface Loaders {
  groupPolicy: DataLoader<string, GroupPolicy>;
}

export function createLoaders(services: Services, request: RequestContext): Loaders {
  return {
    groupPolicy: new DataLoader(async (connectorIds) => {
      const policies = await services.groupPolicies.forConnectors(request, connectorIds);
      return connectorIds.map((id) => policies.get(id)!);
    }),
  };
}
