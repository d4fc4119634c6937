/**
 * Preloaded (`node -r`) into this build's server by the -baseline targets under `--baseline
 * idp-only`: the directory no longer follows SCIM writes, and everything else stays as it is.
 * Beside the plain target, the benchmark then shows what reconciliation adds to each phase, and
 * nothing else, where an older build differs in more than that.
 */
import { DirectorySyncService } from '../../src/domain/sync/directory-sync.service';

DirectorySyncService.prototype.follow = async () => undefined;
