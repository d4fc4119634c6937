import type { EntityManager } from 'typeorm';
import type { TransactionScope } from '../../db/transactions';
import type { RequestContext } from '../context';

type Listener = (ctx: RequestContext, connectorId: string) => void;

/**
 * A change to the settings that reconciliation follows (group policy, mappings, cleanup, copy
 * behaviour). Recording one bumps the connector's settingsVersion, so that every node's compiled
 * plan goes stale, and, once the change has committed, tells the listeners (the full sync that
 * brings the directory in line with the new settings).
 */
export class SettingsChanges {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async record(ctx: RequestContext, manager: EntityManager, scope: TransactionScope, connectorId: string): Promise<void> {
    await manager.query('UPDATE connectors SET settingsVersion = settingsVersion + 1 WHERE id = ?', [connectorId]);
    scope.afterCommit(() => {
      for (const listener of this.listeners) listener(ctx, connectorId);
    });
  }
}
