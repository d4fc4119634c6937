import type { ServerResponse } from 'node:http';
import { assertNever, DomainError, DomainErrorCode } from '../domain/errors';
import { ScimError, ScimType } from './errors';

export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** The largest request body, advertised as Bulk maxPayloadSize: Entra's batches stay far below it. */
export const MAX_BODY_BYTES = 1_048_576;

/** An answer of a SCIM operation, independent of HTTP, so that Bulk can run operations too. */
export interface ScimAnswer {
  status: number;
  body?: unknown;
  /** The resource's URL, for Location on a create. */
  location?: string;
  /** The resource's version, for the ETag header. */
  version?: number;
}

export function send(res: ServerResponse, answer: ScimAnswer): void {
  if (answer.location) res.setHeader('Location', answer.location);
  if (answer.version !== undefined) res.setHeader('ETag', etag(answer.version));
  res.statusCode = answer.status;
  if (answer.body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', `${SCIM_MEDIA_TYPE}; charset=utf-8`);
  res.end(JSON.stringify(answer.body));
}

export function etag(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an If-Match or If-None-Match header asks for: undefined when absent or `*`.
 * Weak and strong forms are the same to us: the version is the whole of the validator.
 */
export function versionFromHeader(header: string | undefined): number | undefined | 'unparseable' {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  return match ? Number(match[1]) : 'unparseable';
}

/** How SCIM answers each domain error: DESIGN.md's table. */
export function scimStatus(code: DomainErrorCode): { status: number; scimType?: ScimType } {
  switch (code) {
    case 'NOT_FOUND':
      return { status: 404 };
    case 'CONFLICT':
      return { status: 409, scimType: 'uniqueness' };
    case 'INVALID_INPUT':
      return { status: 400, scimType: 'invalidValue' };
    case 'UNAUTHENTICATED':
      return { status: 401 };
    case 'FORBIDDEN':
      return { status: 403 };
    case 'PRECONDITION_FAILED':
      return { status: 412 };
    default:
      return assertNever(code);
  }
}

/**
 * Any error as SCIM answers it, or null for one that must not be shown (a 500: the caller logs
 * it and answers without its details).
 */
export function asScimError(error: unknown): ScimError | null {
  if (error instanceof ScimError) return error;
  if (error instanceof DomainError) {
    const { status, scimType } = scimStatus(error.code);
    return new ScimError(status, scimType, error.message);
  }
  return null;
}

export const INTERNAL_ERROR = new ScimError(500, undefined, 'internal server error; the X-Request-Id header identifies it in the logs');
