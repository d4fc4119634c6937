import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { assertNever, DomainError, DomainErrorCode } from '../domain/errors';

/** The `extensions.code` values a client can act on; anything else is masked. */
export type ClientErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PRECONDITION_FAILED';

const PASSED_THROUGH = new Set<string>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PRECONDITION_FAILED',
  // Apollo's own, for requests that are not valid GraphQL.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function graphqlCode(code: DomainErrorCode): ClientErrorCode {
  switch (code) {
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'CONFLICT':
      return 'CONFLICT';
    case 'INVALID_INPUT':
      return 'BAD_USER_INPUT';
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'PRECONDITION_FAILED':
      return 'PRECONDITION_FAILED';
    default:
      return assertNever(code);
  }
}

export function clientError(code: ClientErrorCode, message: string, http?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(http ? { http: { status: http } } : {}) } });
}

/** True for errors whose message would reveal internals; the error-logging plugin logs those. */
export function isInternal(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return false;
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    return typeof code === 'string' ? !PASSED_THROUGH.has(code) : original.originalError !== undefined;
  }
  return true;
}

/** Apollo's formatError: domain errors get their code, internal ones a generic message. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: graphqlCode(original.code), ...original.details },
    };
  }
  if (isInternal(error)) {
    return {
      message: 'Internal server error; the X-Request-Id response header identifies it in the logs',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
