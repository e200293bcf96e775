/*
 * Ids are stored as BINARY(16), the UUID's 16 bytes, rather than its 36 characters: a key less
 * than half the size in every index that carries it. Only the canonical lowercase form maps to
 * bytes, so that a stored row answers to exactly one string, as in the memory store. Its hex
 * digits sort as its bytes do, so ids sorted as strings (the order rows are locked in) and as
 * BINARY (the keyset pages' tie-break) are in the same order.
 */

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The bytes a lookup compares with: null, which matches no row, for what no row can have. */
export function idToLookup(id: string): Buffer | null {
  return CANONICAL_UUID.test(id) ? Buffer.from(id.replaceAll('-', ''), 'hex') : null;
}

/** The bytes to store: an id that cannot be stored is a bug upstream, so it throws. */
export function idToBinary(id: string): Buffer {
  const bytes = idToLookup(id);
  if (bytes === null) throw new TypeError(`Not an id the store can hold: ${JSON.stringify(id)}`);
  return bytes;
}

/** The canonical string of stored bytes. */
export function idFromBinary(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
