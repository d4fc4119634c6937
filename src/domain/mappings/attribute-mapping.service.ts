import type { DataSource, EntityManager } from 'typeorm';
import { JsonObject, newId } from '../../db/columns';
import { AttributeMappingEntity } from '../../db/entities/attribute-mapping.entity';
import { forUpdate, readJson } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import { DEFAULT_MAPPINGS, MappedUser, MappingDefinition, MappingError, MappingProgram, PathReader } from '../../policy/mapping';
import type { AuditService } from '../audit/audit.service';
import type { SettingsChanges } from '../connectors/settings-changes';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';

/** The most mappings one connector may have. */
export const MAX_MAPPINGS = 100;

export class AttributeMappingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly reader: PathReader,
    private readonly settingsChanges: SettingsChanges,
  ) {}

  /** The mappings of several connectors, in order, read in one statement (for DataLoader). */
  async forConnectors(_ctx: RequestContext, connectorIds: readonly string[], manager = this.dataSource.manager): Promise<Map<string, MappingDefinition[]>> {
    return readMappings(manager, connectorIds);
  }

  /**
   * What `definitions` (the defaults when empty) make of one directory user's IdP resource,
   * nothing saved: for an editor's try-it box. The user must come from an IdP.
   */
  async tryOn(_ctx: RequestContext, definitions: MappingDefinition[], userId: string): Promise<{ mapped: MappedUser; resource: JsonObject }> {
    const program = compiled(definitions.length > 0 ? definitions : DEFAULT_MAPPINGS, this.reader);
    const [user]: Array<{ userName: string; resource: unknown }> = await this.dataSource.query(
      'SELECT u.userName, i.resource FROM users u LEFT JOIN idp_users i ON i.id = u.idpUserId WHERE u.id = ?',
      [userId],
    );
    if (!user) throw new DomainError('NOT_FOUND', `no user with id "${userId}"`);
    if (user.resource === null) throw new DomainError('INVALID_INPUT', `${user.userName} has nothing from an identity provider to map`, { field: 'userId' });
    const resource = readJson<JsonObject>(user.resource);
    return { mapped: program.run(resource), resource };
  }

  /**
   * Replaces a connector's mappings with `definitions`, in that order. They are compiled first:
   * one that does not compile refuses the whole change, naming it and why.
   */
  async replace(ctx: RequestContext, connectorId: string, definitions: MappingDefinition[]): Promise<MappingDefinition[]> {
    if (definitions.length > MAX_MAPPINGS) throw new DomainError('INVALID_INPUT', `a connector has at most ${MAX_MAPPINGS} mappings`, { field: 'mappings' });
    compiled(definitions, this.reader);
    return this.transactions.run(async (manager, scope) => {
      const found = await manager.query(`SELECT id FROM connectors WHERE id = ?${forUpdate(this.dataSource.options.type)}`, [connectorId]);
      if (found.length === 0) throw new DomainError('NOT_FOUND', `no connector with id "${connectorId}"`);
      const before = (await readMappings(manager, [connectorId])).get(connectorId)!;
      await manager.delete(AttributeMappingEntity, { connectorId });
      if (definitions.length > 0) {
        await manager.insert(
          AttributeMappingEntity,
          definitions.map((definition, position) => ({
            id: newId(),
            connectorId,
            target: definition.target,
            property: definition.target === 'PROPERTY' ? definition.property : null,
            source: definition.source,
            transformations: definition.transformations,
            onNoMatch: definition.onNoMatch,
            position,
          })),
        );
      }
      await this.audit.record(manager, ctx, {
        action: 'connector.setAttributeMappings',
        targetType: 'Connector',
        targetId: connectorId,
        before: { mappings: before },
        after: { mappings: definitions },
      });
      await this.settingsChanges.record(ctx, manager, scope, connectorId);
      return definitions;
    });
  }
}

/** The mappings compiled; one that does not compile is refused, naming it and why. */
function compiled(definitions: MappingDefinition[], reader: PathReader): MappingProgram {
  try {
    return MappingProgram.compile(definitions, reader);
  } catch (error) {
    if (error instanceof MappingError) throw new DomainError('INVALID_INPUT', error.reason, { field: 'mappings' });
    throw error;
  }
}

async function readMappings(manager: EntityManager, connectorIds: readonly string[]): Promise<Map<string, MappingDefinition[]>> {
  const mappings = new Map<string, MappingDefinition[]>(connectorIds.map((id) => [id, []]));
  if (connectorIds.length === 0) return mappings;
  const rows = await manager
    .getRepository(AttributeMappingEntity)
    .createQueryBuilder('mapping')
    .where('mapping.connectorId IN (:...ids)', { ids: [...connectorIds] })
    .orderBy('mapping.position', 'ASC')
    .getMany();
  for (const row of rows) {
    mappings.get(row.connectorId)!.push({
      target: row.target,
      property: row.property,
      source: row.source,
      transformations: row.transformations,
      onNoMatch: row.onNoMatch,
    });
  }
  return mappings;
}
