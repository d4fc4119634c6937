import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AttributeMappingInput, AttributeMappingType, definitionsOf, MappingTrialType } from '../mappings/attribute-mapping.type';
import { decodeCursor, pageSize, toConnection } from '../pagination';
import { GroupPolicyInput, GroupPolicyType, PolicyProblemType } from '../policies/group-policy.type';
import { policyProblems } from '../../domain/policies/group-policy.service';
import { SyncRunConnection, SyncRunType } from '../sync/sync-run.type';
import type { GraphQLContext } from '../context';
import { CreateConnectorInput } from './connector.input';
import { ConnectorStatsType, ConnectorTokenType, DirectoryType, ConnectorType, CreateConnectorPayload, RotateConnectorTokenPayload, UpdateConnectorInput } from './connector.type';

@Resolver(() => ConnectorType)
export class ConnectorResolver {
  @Query(() => [ConnectorType], { description: 'Every connector, oldest first.' })
  async connectors(@Ctx() { request, services, config }: GraphQLContext): Promise<ConnectorType[]> {
    const connectors = await services.connectors.list(request);
    return connectors.map((connector) => ConnectorType.from(connector, config.publicUrl));
  }

  @Query(() => [DirectoryType], { description: 'Every directory: the local one first, then the connectors’ by name.' })
  async directories(@Ctx() { request, services }: GraphQLContext): Promise<DirectoryType[]> {
    return (await services.connectors.directories(request)).map((directory) => Object.assign(new DirectoryType(), { id: directory.id, kind: directory.kind, name: directory.name }));
  }

  @Query(() => ConnectorType, { nullable: true, description: 'One connector, or null when there is none with this id.' })
  async connector(
    @Arg('id', () => ID, { description: 'The connector’s id.' }) id: string,
    @Ctx() { request, services, config }: GraphQLContext,
  ): Promise<ConnectorType | null> {
    const connector = await services.connectors.find(request, id);
    return connector && ConnectorType.from(connector, config.publicUrl);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateConnectorPayload, {
    description: 'Creates a connector with its own directory and a first SCIM bearer token.',
  })
  async createConnector(
    @Arg('input', () => CreateConnectorInput, { description: 'The new connector.' }) input: CreateConnectorInput,
    @Ctx() { request, services, config }: GraphQLContext,
  ): Promise<CreateConnectorPayload> {
    const { connector, token } = await services.connectors.create(request, { name: input.name });
    return { connector: ConnectorType.from(connector, config.publicUrl), token };
  }

  @Authorized('ADMIN')
  @Mutation(() => ConnectorType, {
    description:
      'Changes a connector’s settings; those left out stay. A change of cleanupAction or copyBehaviour starts a full sync of the connector (or one right after the sync running), so that the directory follows it.',
  })
  async updateConnector(
    @Arg('id', () => ID, { description: 'The connector.' }) id: string,
    @Arg('input', () => UpdateConnectorInput, { description: 'The settings to change.' }) input: UpdateConnectorInput,
    @Ctx() { request, services, config }: GraphQLContext,
  ): Promise<ConnectorType> {
    const connector = await services.connectors.update(request, id, {
      name: input.name ?? undefined,
      enabled: input.enabled ?? undefined,
      cleanupAction: input.cleanupAction ?? undefined,
      logFreeMemory: input.logFreeMemory ?? undefined,
      copyBehaviour: input.copyBehaviour ? { ...input.copyBehaviour } : undefined,
    });
    return ConnectorType.from(connector, config.publicUrl);
  }

  @Authorized('ADMIN')
  @Mutation(() => RotateConnectorTokenPayload, {
    description: 'Issues a new SCIM bearer token; the older ones keep working for graceSeconds.',
  })
  async rotateConnectorToken(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('graceSeconds', () => Int, {
      nullable: true,
      description: 'How long the older tokens keep working, in seconds (0 to 604800; default 0: they stop at once).',
    })
    graceSeconds: number | null,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<RotateConnectorTokenPayload> {
    return services.connectors.rotateToken(request, connectorId, graceSeconds ?? 0);
  }

  @Authorized('ADMIN')
  @Mutation(() => ConnectorTokenType, {
    description: 'Ends one of a connector’s SCIM tokens at once (other nodes stop accepting it within 5 seconds). Revoking an ended token changes nothing.',
  })
  async revokeConnectorToken(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('tokenId', () => ID, { description: 'The token’s id (Connector.tokens).' }) tokenId: string,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<ConnectorTokenType> {
    return ConnectorTokenType.from(await services.connectors.revokeToken(request, connectorId, tokenId));
  }

  @Authorized('ADMIN')
  @Mutation(() => ConnectorType, {
    description:
      'Deletes a connector with its whole directory (users and their memberships), what its IdP wrote, its tokens, settings and sync runs; local groups stay. confirmName must repeat the connector’s name. The connector is disabled first and its rows go in batches: a delete cut short leaves a disabled connector, and calling this again finishes it. Refused with CONFLICT while a full sync of it runs or another connector copies from its directory. Answers the connector as it was.',
  })
  async deleteConnector(
    @Arg('id', () => ID, { description: 'The connector.' }) id: string,
    @Arg('confirmName', { description: 'The connector’s name, exactly: a guard against deleting the wrong one.' }) confirmName: string,
    @Ctx() { request, services, config }: GraphQLContext,
  ): Promise<ConnectorType> {
    return ConnectorType.from(await services.connectors.delete(request, id, confirmName), config.publicUrl);
  }

  @FieldResolver(() => ConnectorStatsType, { description: 'Counts of the connector’s directory.' })
  async stats(@Root() connector: ConnectorType, @Ctx() { loaders }: GraphQLContext): Promise<ConnectorStatsType> {
    return loaders.directoryStats.load(connector.directoryId);
  }

  @FieldResolver(() => SyncRunType, { nullable: true, description: 'The newest full sync or incremental cycle (previews aside), or null before the first.' })
  async lastSync(@Root() connector: ConnectorType, @Ctx() { loaders }: GraphQLContext): Promise<SyncRunType | null> {
    const run = await loaders.lastSync.load(connector.id);
    return run && SyncRunType.from(run);
  }

  @FieldResolver(() => [ConnectorTokenType], { description: 'The connector’s SCIM tokens, newest first, ended ones included; never a secret.' })
  async tokens(@Root() connector: ConnectorType, @Ctx() { loaders }: GraphQLContext): Promise<ConnectorTokenType[]> {
    const now = new Date();
    return (await loaders.connectorTokens.load(connector.id)).map((token) => ConnectorTokenType.from(token, now));
  }

  @FieldResolver(() => GroupPolicyType, { description: 'The connector’s group patterns.' })
  async groupPolicy(@Root() connector: ConnectorType, @Ctx() { loaders }: GraphQLContext): Promise<GroupPolicyType> {
    return loaders.groupPolicy.load(connector.id);
  }

  @Authorized('ADMIN')
  @Mutation(() => ConnectorType, {
    description:
      'Replaces the given pattern lists of a connector’s group policy; lists left out are kept. Every pattern is checked before anything is saved: one invalid pattern refuses the whole change with BAD_USER_INPUT naming it. Once saved, a full sync of the connector starts (see its syncRuns), or, when one is already running, another starts right after it, so that the directory follows the new policy.',
  })
  async updateGroupPolicy(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('input', () => GroupPolicyInput, { description: 'The lists to replace.' }) input: GroupPolicyInput,
    @Ctx() { request, services, config, loaders }: GraphQLContext,
  ): Promise<ConnectorType> {
    const policy = await services.groupPolicies.update(request, connectorId, { ...input });
    const connector = await services.connectors.get(request, connectorId);
    loaders.groupPolicy.clear(connectorId).prime(connectorId, policy);
    return ConnectorType.from(connector, config.publicUrl);
  }

  @Query(() => [PolicyProblemType], {
    description: 'Checks pattern lists as updateGroupPolicy would, without saving anything: the problems found, none when every pattern can be saved. For an editor’s live check.',
  })
  checkGroupPolicy(@Arg('input', () => GroupPolicyInput, { description: 'The lists to check.' }) input: GroupPolicyInput): PolicyProblemType[] {
    return policyProblems({ ...input }).map((problem) => Object.assign(new PolicyProblemType(), problem));
  }

  @Authorized('ADMIN')
  @Mutation(() => SyncRunType, {
    description:
      'Previews a change of a connector’s group policy before it is saved: a run of kind PREVIEW that reconciles every user under the saved settings with these lists in place of the saved ones (lists left out stay as saved), and writes nothing but the run. Its counts and diff say what saving would change. Answers at once (status RUNNING), or, with wait: true, when it has finished. Patterns are checked as updateGroupPolicy checks them.',
  })
  async previewGroupPolicy(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('input', () => GroupPolicyInput, { description: 'The lists to try.' }) input: GroupPolicyInput,
    @Arg('wait', { defaultValue: false, description: 'Answer when the preview has finished.' }) wait: boolean,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<SyncRunType> {
    const { run, finished } = await services.syncRuns.request(request, connectorId, { dryRun: true, proposedPolicy: { ...input } });
    return SyncRunType.from(wait ? await finished() : run);
  }

  @FieldResolver(() => [AttributeMappingType], { description: 'The connector’s attribute mappings, in order; empty means the defaults.' })
  async attributeMappings(@Root() connector: ConnectorType, @Ctx() { loaders }: GraphQLContext): Promise<AttributeMappingType[]> {
    return loaders.attributeMappings.load(connector.id);
  }

  @Authorized('ADMIN')
  @Mutation(() => ConnectorType, {
    description:
      'Replaces all of a connector’s attribute mappings with these, in this order (an empty list restores the defaults: userName, displayName, the work or primary email, given and family name). Each is checked first; one that does not compile refuses the whole change with BAD_USER_INPUT. Once saved, a full sync of the connector starts (or follows the one running), so that every directory user is mapped anew.',
  })
  async setAttributeMappings(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('mappings', () => [AttributeMappingInput], { description: 'The mappings, in order.' }) mappings: AttributeMappingInput[],
    @Ctx() { request, services, config, loaders }: GraphQLContext,
  ): Promise<ConnectorType> {
    const saved = await services.attributeMappings.replace(request, connectorId, definitionsOf(mappings));
    const connector = await services.connectors.get(request, connectorId);
    loaders.attributeMappings.clear(connectorId).prime(connectorId, saved);
    return ConnectorType.from(connector, config.publicUrl);
  }

  @Query(() => MappingTrialType, {
    description:
      'Applies mappings (the defaults when the list is empty) to one directory user’s IdP resource and answers what they make of it; nothing is saved. For an editor’s try-it box. A mapping that does not compile is refused with BAD_USER_INPUT, as setAttributeMappings would.',
  })
  async tryAttributeMappings(
    @Arg('mappings', () => [AttributeMappingInput], { description: 'The mappings to try, in order.' }) mappings: AttributeMappingInput[],
    @Arg('userId', () => ID, { description: 'A directory user that came from an identity provider.' }) userId: string,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<MappingTrialType> {
    const { mapped, resource } = await services.attributeMappings.tryOn(request, definitionsOf(mappings), userId);
    const targets = ['userName', 'displayName', 'email', 'firstName', 'lastName'] as const;
    return Object.assign(new MappingTrialType(), {
      ...Object.fromEntries(targets.map((target) => [target, mapped[target] ?? null])),
      properties: mapped.properties,
      groupNames: mapped.groupNames,
      dropped: mapped.dropped,
      kept: targets.filter((target) => mapped[target] === undefined),
      idpResource: resource,
    });
  }

  @FieldResolver(() => SyncRunConnection, { description: 'The connector’s sync runs, newest first.' })
  async syncRuns(
    @Root() connector: ConnectorType,
    @Arg('first', () => Int, { nullable: true, description: 'Runs in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<SyncRunConnection> {
    // The first part is the run's start, an ISO time.
    const cursor = decodeCursor(after, 2, (part, index) => index > 0 || !Number.isNaN(Date.parse(part)));
    const page = await loaders.syncRunPages.load({
      connectorId: connector.id,
      first: pageSize(first),
      after: cursor && { startedAt: new Date(cursor[0]), id: cursor[1] },
    });
    return toConnection(page, SyncRunType.from, (run) => [run.startedAt.toISOString(), run.id]);
  }
}
