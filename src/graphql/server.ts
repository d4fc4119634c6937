import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { bearerToken } from '../domain/secrets';
import type { Services } from '../domain/services';
import type { GraphQLContext } from './context';
import { clientError, formatError, isInternal } from './errors';
import { operationLimits } from './limits';
import { createLoaders } from './loaders';
import { buildAdminSchema } from './schema';

export interface GraphQLEndpoint {
  handler: RequestHandler;
  stop(): Promise<void>;
}

/** Logs each internal error once, with the request id that the masked answer points to. */
const logInternalErrors: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors.filter(isInternal)) {
          contextValue.log.error({ err: error.originalError ?? error, path: error.path }, 'graphql request failed');
        }
      },
    };
  },
};

export async function createGraphQLEndpoint(services: Services, config: Pick<Config, 'publicUrl'>): Promise<GraphQLEndpoint> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildAdminSchema(),
    formatError,
    includeStacktraceInErrorResponses: false,
    // main.ts drains the HTTP server first and then stops Apollo; Apollo's own handler would exit early.
    stopOnTerminationSignals: false,
    plugins: [logInternalErrors, operationLimits(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const handler = expressMiddleware(apollo, {
    context: async ({ req }): Promise<GraphQLContext> => {
      const token = bearerToken(req.headers.authorization);
      const actor = token ? await services.adminTokens.authenticate(token) : null;
      if (!actor) {
        throw clientError('UNAUTHENTICATED', 'send an admin token as "Authorization: Bearer <token>"', 401);
      }
      const request = { requestId: req.scope.id, actor };
      return { request, services, config, log: req.scope.log, loaders: createLoaders(services, request) };
    },
  });
  return { handler, stop: () => apollo.stop() };
}
