import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { CreateConnectorInput } from './connector.input';
import { ConnectorType, CreateConnectorPayload, RotateConnectorTokenPayload } from './connector.type';

@Resolver(() => ConnectorType)
export class ConnectorResolver {
  @Query(() => [ConnectorType], { description: 'Every connector, oldest first.' })
  async connectors(@Ctx() { request, services, config }: GraphQLContext): Promise<ConnectorType[]> {
    const connectors = await services.connectors.list(request);
    return connectors.map((connector) => ConnectorType.from(connector, config.publicUrl));
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
}
