import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth';
import { ConnectorResolver } from './connectors/connector.resolver';

export async function buildAdminSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [ConnectorResolver],
    authChecker,
    validate: false,
  });
}

/** The SDL as committed in schema/schema.graphql: sorted, so the file changes only when the API does. */
export function printAdminSchema(schema: GraphQLSchema): string {
  return `# Emitted by \`npm run schema:emit\` from the resolvers; do not edit by hand.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
