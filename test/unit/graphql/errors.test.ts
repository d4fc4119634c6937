import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { DomainError, DomainErrorCode } from '../../../src/domain/errors';
import { formatError, graphqlCode } from '../../../src/graphql/errors';

const formatted = { message: 'original', path: ['field'] };

describe('GraphQL error mapping', () => {
  const table: Array<[DomainErrorCode, string]> = [
    ['NOT_FOUND', 'NOT_FOUND'],
    ['CONFLICT', 'CONFLICT'],
    ['INVALID_INPUT', 'BAD_USER_INPUT'],
    ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
    ['FORBIDDEN', 'FORBIDDEN'],
    ['PRECONDITION_FAILED', 'PRECONDITION_FAILED'],
  ];
  for (const [domain, code] of table) {
    it(`when a resolver throws ${domain}, then extensions.code is ${code} and the message is kept`, () => {
      assert.equal(graphqlCode(domain), code);
      const error = new GraphQLError('wrapped', { path: ['field'], originalError: new DomainError(domain, 'what happened', { field: 'name' }) });
      const answer = formatError(formatted, error);
      assert.equal(answer.message, 'what happened');
      assert.deepEqual(answer.extensions, { code, field: 'name' });
      assert.deepEqual(answer.path, ['field']);
    });
  }

  // Apollo wraps what a resolver throws in a GraphQLError with the field's path, as below.
  it('when a resolver throws a plain Error, then the answer hides its message', () => {
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.5:3306', { path: ['field'], originalError: new Error('connect ECONNREFUSED 10.0.0.5:3306') });
    const answer = formatError({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, error);
    assert.equal(answer.extensions?.code, 'INTERNAL_SERVER_ERROR');
    assert.doesNotMatch(answer.message, /ECONNREFUSED/);
    assert.equal(answer.extensions?.stacktrace, undefined);
  });

  it('when the query does not validate, then Apollo’s code and message pass through without a stack trace', () => {
    const error = new GraphQLError('Cannot query field "nope"', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const answer = formatError({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] } }, error);
    assert.equal(answer.message, 'Cannot query field "nope"');
    assert.deepEqual(answer.extensions, { code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
