import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { idFromBinary, idToBinary } from '../../../src/adapters/persistence/mysql/binary-id';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** The test's own view of the service's database, read with SQL, never through the service. */
export class StoreProbe {
  readonly pool: Pool;

  constructor(readonly url: string) {
    this.pool = createPool({ uri: url, connectionLimit: 2, timezone: 'Z', connectTimeout: 5000 });
  }

  /** Status of each of `ids` that exists. */
  async statuses(ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let from = 0; from < ids.length; from += 1000) {
      const chunk = ids.slice(from, from + 1000);
      const [rows] = await this.pool.query<RowDataPacket[]>(
        'SELECT id, status FROM orders WHERE id IN (?)',
        [chunk.map(idToBinary)],
      );
      for (const row of rows) found.set(idFromBinary(row.id as Buffer), row.status as string);
    }
    return found;
  }

  /** How many of `ids` are missing and how many are not terminal yet. */
  async progress(ids: readonly string[]): Promise<{ missing: number; unsettled: number }> {
    const statuses = await this.statuses(ids);
    let unsettled = 0;
    for (const status of statuses.values()) if (!TERMINAL.has(status)) unsettled += 1;
    return { missing: ids.length - statuses.size, unsettled };
  }

  /** Every order in the database, however it got there. */
  async orderCount(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM orders');
    return Number(rows[0]?.n);
  }

  /** Orders in the database by status, FAILED ones by reason too (`FAILED:INSUFFICIENT_STOCK`). */
  async statusCounts(): Promise<Record<string, number>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT CONCAT_WS(':', status, failure_reason) AS outcome, COUNT(*) AS n
       FROM orders GROUP BY outcome ORDER BY outcome`,
    );
    return Object.fromEntries(rows.map((row) => [row.outcome as string, Number(row.n)]));
  }

  /**
   * Polls until every one of `ids` exists and is terminal; fails naming what is left after
   * `timeoutMs`. Errors while the database is away count as "not yet".
   */
  async waitSettled(ids: readonly string[], timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last: unknown = null;
    while (Date.now() - started < timeoutMs) {
      try {
        const { missing, unsettled } = await this.progress(ids);
        if (missing > 0) throw new Error(`${missing} accepted orders are not in the database`);
        if (unsettled === 0) return Date.now() - started;
        last = new Error(`${unsettled} of ${ids.length} accepted orders are not settled`);
      } catch (error) {
        if ((error as Error).message.includes('not in the database')) throw error;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`not settled after ${timeoutMs} ms: ${String(last)}`);
  }

  /** Resolves once `count` of `ids` are terminal, for a fault that must hit mid-run. */
  async waitSettledCount(ids: readonly string[], count: number, timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const { unsettled } = await this.progress(ids);
      if (ids.length - unsettled >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fewer than ${count} orders settled in ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
