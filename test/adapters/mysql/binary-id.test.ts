import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { v7 } from 'uuid';
import {
  idFromBinary,
  idToBinary,
  idToLookup,
} from '../../../src/adapters/persistence/mysql/binary-id';

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('binary ids', () => {
  it('stores a UUID as its 16 bytes and reads the same string back', () => {
    expect(idToBinary('0190a6d4-57c3-7e01-8b6c-0123456789ab')).toEqual(
      Buffer.from('0190a6d457c37e018b6c0123456789ab', 'hex'),
    );
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(idFromBinary(idToBinary(id))).toBe(id);
      }),
    );
    for (const id of [randomUUID(), v7()]) expect(idFromBinary(idToBinary(id))).toBe(id);
  });

  it('orders bytes as the strings order: the lock order and the keyset tie-break agree', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => {
        expect(Math.sign(Buffer.compare(idToBinary(a), idToBinary(b)))).toBe(compareStrings(a, b));
      }),
    );
  });

  it('looks up anything else as null, which names no row, and refuses to store it', () => {
    const others = [
      'nope',
      '',
      '0190A6D4-57C3-7E01-8B6C-0123456789AB',
      '0190a6d457c37e018b6c0123456789ab',
      '{0190a6d4-57c3-7e01-8b6c-0123456789ab}',
      '0190a6d4-57c3-7e01-8b6c-0123456789ab ',
      'g190a6d4-57c3-7e01-8b6c-0123456789ab',
    ];
    for (const other of others) {
      expect(idToLookup(other)).toBeNull();
      expect(() => idToBinary(other)).toThrow(TypeError);
    }
  });
});
