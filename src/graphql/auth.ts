import type { AuthChecker } from 'type-graphql';
import type { AdminRole } from '../db/entities/admin-token.entity';
import { DomainError } from '../domain/errors';
import type { GraphQLContext } from './context';

/**
 * Every request is authenticated before it reaches a resolver (see the Apollo context in app.ts);
 * `@Authorized('ADMIN')` then limits what a READER may do.
 */
export const authChecker: AuthChecker<GraphQLContext, AdminRole> = ({ context }, roles) => {
  const actor = context.request.actor;
  if (actor.kind !== 'admin') throw new DomainError('UNAUTHENTICATED', 'an admin token is required');
  if (roles.length > 0 && !roles.includes(actor.role)) {
    throw new DomainError('FORBIDDEN', `this needs the ${roles.join(' or ')} role; this token has ${actor.role}`);
  }
  return true;
};
