import { compareNewestFirst, isAfterCursor, toPage } from '../../../src/domain/shared/page';

const row = (id: string, ms: number) => ({ id, createdAt: new Date(ms) });

describe('keyset pages', () => {
  it('orders newest first, then by id descending on equal times', () => {
    const rows = [row('a', 1), row('b', 2), row('c', 2)].sort(compareNewestFirst);
    expect(rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('treats rows after the cursor as the ones strictly older in that order', () => {
    const cursor = { id: 'b', createdAt: new Date(2) };
    expect(isAfterCursor(row('a', 2), cursor)).toBe(true);
    expect(isAfterCursor(row('a', 1), cursor)).toBe(true);
    expect(isAfterCursor(row('b', 2), cursor)).toBe(false);
    expect(isAfterCursor(row('c', 2), cursor)).toBe(false);
    expect(isAfterCursor(row('z', 3), cursor)).toBe(false);
  });

  it('gives a cursor only when there are more rows than the limit', () => {
    expect(toPage([row('c', 3), row('b', 2), row('a', 1)], 2)).toEqual({
      items: [row('c', 3), row('b', 2)],
      next: { id: 'b', createdAt: new Date(2) },
    });
    expect(toPage([row('c', 3), row('b', 2)], 2).next).toBeNull();
  });
});
