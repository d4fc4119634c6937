import DataLoader from 'dataloader';
import { MAX_PAGE } from './pagination';

/**
 * A loader of pages of related rows (a group's members, a connector's runs): the pages that
 * resolvers ask for while one level of a query resolves go to `load` together, in one batch.
 */
export function pageLoader<R, P>(load: (requests: readonly R[]) => Promise<P[]>): DataLoader<R, P, string> {
  return new DataLoader<R, P, string>(async (requests) => load(requests), { cacheKeyFn: (request) => JSON.stringify(request), maxBatchSize: MAX_PAGE });
}
