/**
 * Preloaded (`node -r`) into this build's server by the -baseline targets under `--baseline
 * idp-only`: the directory no longer follows SCIM writes, and everything else stays as it is.
 * Beside the plain target, the benchmark then shows what reconciliation adds to each phase, and
 * nothing else, where an older build differs in more than that. The reads the IdP layer sends
 * ahead for the directory become a statement that reads nothing: their cost is reconciliation's.
 */
import { DirectorySyncService } from '../../src/domain/sync/directory-sync.service';

const NOTHING: [sql: string, params: unknown[]] = ['SELECT 1 WHERE 0', []];

DirectorySyncService.prototype.follow = async () => undefined;
DirectorySyncService.prototype.readAhead = () => NOTHING;
DirectorySyncService.prototype.readAheadMembers = () => NOTHING;
DirectorySyncService.prototype.readAheadGroupMembers = () => NOTHING;
