import { validate, version } from 'uuid';
import { UuidV7IdGenerator } from '../../../src/adapters/system/uuid-v7-id-generator';

describe('UuidV7IdGenerator', () => {
  it('makes lowercase UUIDv7s, each greater than the one before, also within a millisecond', () => {
    const ids = new UuidV7IdGenerator();

    const made = Array.from({ length: 1000 }, () => ids.next());

    for (const id of made) {
      expect(validate(id) && version(id)).toBe(7);
      expect(id).toBe(id.toLowerCase());
    }
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });
});
