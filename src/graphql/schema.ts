import { GraphQLNamedType, GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth';
import { AdminResolver } from './admin/admin.resolver';
import { AuditResolver } from './audit/audit.resolver';
import { ConnectorResolver } from './connectors/connector.resolver';
import { GroupResolver } from './directory/group.resolver';
import { MembershipResolver } from './directory/membership.resolver';
import { UserResolver } from './directory/user.resolver';
import { SyncRunResolver } from './sync/sync-run.resolver';

/** type-graphql cannot describe the root types; the SDL should, for people reading it. */
const ROOT_DESCRIPTIONS: Record<string, string> = {
  Query: 'Reads. Every operation needs an admin token (role ADMIN or READER).',
  Mutation: 'Changes. Every mutation needs an admin token with the ADMIN role and writes an audit event.',
};

export async function buildAdminSchema(): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [AdminResolver, AuditResolver, ConnectorResolver, SyncRunResolver, UserResolver, GroupResolver, MembershipResolver],
    authChecker,
    validate: false,
  });
  const config = built.toConfig();
  const types = config.types.map((type): GraphQLNamedType => {
    const description = ROOT_DESCRIPTIONS[type.name];
    return description && type instanceof GraphQLObjectType ? new GraphQLObjectType({ ...type.toConfig(), description }) : type;
  });
  const root = (name: string) => types.find((type) => type.name === name) as GraphQLObjectType | undefined;
  return new GraphQLSchema({ ...config, types, query: root('Query'), mutation: root('Mutation') });
}

/** The SDL as committed in schema/schema.graphql: sorted, so the file changes only when the API does. */
export function printAdminSchema(schema: GraphQLSchema): string {
  return `# Emitted by \`npm run schema:emit\` from the resolvers; do not edit by hand.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
