import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: the entropy of every token we issue. */
const TOKEN_BYTES = 32;
const PREFIX_LENGTH = 12;

export interface IssuedToken {
  /** The token itself: shown once, never stored. */
  token: string;
  /** The first characters, stored so that an admin can tell tokens apart. */
  prefix: string;
  hash: string;
}

/** A fresh bearer token, e.g. `scim_3q2…`; `kind` makes a leaked token easy to recognise. */
export function issueToken(kind: 'scim' | 'admin'): IssuedToken {
  const token = `${kind}_${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), hash: hashToken(token) };
}

/**
 * SHA-256, hex. Our tokens carry 256 bits of entropy, so a fast hash is enough: nothing can be
 * guessed from it, and it stays cheap on every request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The token from an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
