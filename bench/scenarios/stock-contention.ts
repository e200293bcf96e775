import type { RowDataPacket } from 'mysql2/promise';
import { idToBinary } from '../../src/adapters/persistence/mysql/binary-id';
import { runOpenModel } from '../load/open-model';
import { streamResult, type ContentionResult } from '../report/results';
import type { ScenarioContext } from './context';
import { checkOutcomes, waitUntilSettled } from './outcomes';
import { seedCustomers, seedProducts } from './workload';

const PRICE = 1234;

/**
 * REQ-3.2.1: `contention` orders for the last unit of one product, all sent at the same instant
 * by one customer who could pay for every one of them. Exactly one may complete.
 */
export async function stockContention(context: ScenarioContext): Promise<ContentionResult> {
  const { env, options } = context;
  const orders = options.contention;
  const [customer] = await seedCustomers(context, `${context.runId}-contention`, [PRICE * orders]);
  const [product] = await seedProducts(context, [{ price: PRICE, stock: 1 }]);
  if (!customer || !product) throw new Error('seeding the contention scenario failed');

  const accepted: string[] = [];
  const body = { items: [{ productId: product.id, quantity: 1 }] };
  // An "infinite" rate puts every due time at the same instant: one burst, timed from it.
  const run = await runOpenModel({
    rate: Number.MAX_SAFE_INTEGER,
    count: orders,
    send: async () => {
      const answer = await customer.client.json<{ id: string }>('POST', '/orders', body);
      if (answer.status === 202) accepted.push(answer.body.id);
      return answer.status;
    },
    ok: (status) => status === 202,
  });
  const settleMs = await waitUntilSettled(env.db, run.startedAt);
  const check = await checkOutcomes(env.db, [customer], [product], accepted);

  const [[row]] = await env.db.query<RowDataPacket[]>(
    `SELECT (SELECT stock FROM products WHERE id = ?) AS stock,
            (SELECT balance FROM customers WHERE id = ?) AS balance,
            (SELECT COUNT(*) FROM wallet_ledger WHERE customer_id = ? AND kind = 'ORDER_DEBIT')
              AS debits`,
    [product.id, customer.id, customer.id].map(idToBinary),
  );
  const stockAfter = Number(row?.stock);
  const debited = customer.balance - Number(row?.balance);
  const ledgerDebits = Number(row?.debits);
  const exact =
    accepted.length === orders &&
    check.exact &&
    check.outcomes.COMPLETED === 1 &&
    check.outcomes['FAILED INSUFFICIENT_STOCK'] === orders - 1 &&
    Object.keys(check.outcomes).length === 2 &&
    stockAfter === 0 &&
    debited === PRICE &&
    ledgerDebits === 1;
  context.log(
    `  ${orders} simultaneous orders: ${JSON.stringify(check.outcomes)}, stock ${stockAfter}, ` +
      `debited ${debited} in ${ledgerDebits} debit(s): ${exact ? 'exact' : 'NOT EXACT'}`,
  );
  return {
    orders,
    stream: streamResult('POST /orders', run, null),
    check,
    stockAfter,
    debited,
    price: PRICE,
    ledgerDebits,
    settleMs,
    exact,
  };
}
