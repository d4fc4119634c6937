import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newOrderedId } from '../../../src/db/columns';

describe('newOrderedId', () => {
  it('when ids are made, then each is a version 7 UUID with the RFC variant', () => {
    for (let i = 0; i < 100; i += 1) assert.match(newOrderedId(), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('when ids are made in different milliseconds, then they sort in the order they were made', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(newOrderedId());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('when an id is made, then its leading 48 bits are the time in milliseconds', () => {
    const before = Date.now();
    const id = newOrderedId();
    const millis = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(millis >= before && millis <= Date.now(), `${millis} within [${before}, now]`);
  });
});
