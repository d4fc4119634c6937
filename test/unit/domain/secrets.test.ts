import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerToken, hashesEqual, hashToken, issueToken } from '../../../src/domain/secrets';

describe('issueToken', () => {
  it('when a token is issued, then it carries 32 random bytes and its hash is SHA-256 of it', () => {
    const issued = issueToken('scim');
    const secret = issued.token.slice('scim_'.length);
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
    assert.equal(issued.hash, hashToken(issued.token));
    assert.match(issued.hash, /^[0-9a-f]{64}$/);
    assert.ok(issued.token.startsWith(issued.prefix));
    assert.ok(issued.prefix.length < issued.token.length / 2, 'the visible prefix gives little away');
  });

  it('when two tokens are issued, then they differ', () => {
    assert.notEqual(issueToken('admin').token, issueToken('admin').token);
  });
});

describe('hashesEqual', () => {
  it('when the hashes match, then true; when one differs or is malformed, then false', () => {
    const hash = hashToken('a');
    assert.equal(hashesEqual(hash, hashToken('a')), true);
    assert.equal(hashesEqual(hash, hashToken('b')), false);
    assert.equal(hashesEqual(hash, hash.slice(0, 10)), false);
    assert.equal(hashesEqual('', ''), false);
  });
});

describe('bearerToken', () => {
  for (const [header, expected] of [
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
  ] as const) {
    it(`when the header is ${JSON.stringify(header)}, then the token is ${JSON.stringify(expected)}`, () => {
      assert.equal(bearerToken(header), expected);
    });
  }
});
