import type { Config } from '../config';
import type { RequestContext } from '../domain/context';
import type { Services } from '../domain/services';
import type { Logger } from '../logger';
import type { Loaders } from './loaders';

/** What every resolver gets: the caller (already authenticated), the services and the settings. */
export interface GraphQLContext {
  request: RequestContext;
  services: Services;
  config: Pick<Config, 'publicUrl'>;
  log: Logger;
  loaders: Loaders;
}
