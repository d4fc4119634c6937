import { fitsNameColumn, NAME_LENGTH } from '../db/columns';
import { DomainError } from './errors';

/** A name an admin gives (a connector's, a local group's, an admin token's): trimmed, not empty, not too long. */
export function validName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new DomainError('INVALID_INPUT', 'name must not be empty', { field: 'name' });
  if (!fitsNameColumn(name)) throw new DomainError('INVALID_INPUT', `name must be at most ${NAME_LENGTH} characters`, { field: 'name' });
  return name;
}
