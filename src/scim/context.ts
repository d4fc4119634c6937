import type { RequestContext } from '../domain/context';
import type { Services } from '../domain/services';
import type { Logger } from '../logger';

/** What every SCIM operation runs with: the caller, its connector, and where its resources live. */
export interface ScimContext {
  request: RequestContext;
  connectorId: string;
  /** The connector's SCIM base URL, for `meta.location` and `$ref`. */
  baseUrl: string;
  services: Services;
  /** The request's logger: its lines carry the request id. */
  log: Logger;
}
