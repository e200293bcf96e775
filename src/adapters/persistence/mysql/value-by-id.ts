/** The SQL and values that give each row of a multi-row UPDATE its own value of one column. */
export interface ValueById {
  sql: string;
  values: unknown[];
}

const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

/**
 * `CASE <idColumn> WHEN ? THEN ? ... END`, or a single placeholder when every row gets the same
 * value (the batch's timestamp, say): the server then parses and the driver formats one value
 * instead of one per row.
 */
export function valueById(
  idColumn: string,
  entries: readonly (readonly [id: unknown, value: unknown])[],
): ValueById {
  const [first] = entries;
  if (first && entries.every(([, value]) => same(value, first[1]))) {
    return { sql: '?', values: [first[1]] };
  }
  return {
    sql: `CASE ${idColumn} ${entries.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    values: entries.flatMap(([id, value]) => [id, value]),
  };
}
