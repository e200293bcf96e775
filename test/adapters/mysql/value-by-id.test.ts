import { valueById } from '../../../src/adapters/persistence/mysql/value-by-id';

describe('valueById', () => {
  it('is one placeholder when every row gets the same value, dates compared by time', () => {
    const at = (ms: number) => new Date(ms);

    expect(
      valueById('id', [
        ['a', at(5)],
        ['b', at(5)],
      ]),
    ).toStrictEqual({ sql: '?', values: [at(5)] });
    expect(
      valueById('id', [
        ['a', null],
        ['b', null],
      ]),
    ).toStrictEqual({ sql: '?', values: [null] });
  });

  it('is a CASE on the key when the values differ', () => {
    expect(
      valueById('id', [
        ['a', new Date(5)],
        ['b', new Date(6)],
      ]),
    ).toStrictEqual({
      sql: 'CASE id WHEN ? THEN ? WHEN ? THEN ? END',
      values: ['a', new Date(5), 'b', new Date(6)],
    });
    expect(
      valueById('o.id', [
        ['a', 1],
        ['b', '1'],
      ]).sql,
    ).toBe('CASE o.id WHEN ? THEN ? WHEN ? THEN ? END');
  });
});
