import { formatMs } from '../load/histogram';
import { runOpenModel } from '../load/open-model';
import { streamResult, type ThroughputResult } from '../report/results';
import { describeCpuPerOrder } from '../service/cpu-usage';
import { count, measureCpuPerOrder, measureMemory, type ScenarioContext } from './context';
import { checkOutcomes, waitUntilSettled } from './outcomes';
import { findSaturation, judgeProcessing, judgeStep } from './saturation';
import { TARGETS } from './targets';
import {
  OrderMix,
  seedCustomers,
  seedProducts,
  Shoppers,
  throughputCatalog,
  type PlannedOrder,
} from './workload';

const ENDPOINT = 'POST /orders';

/** Sends `orders` at `rate` and waits until the worker has settled every one of them. */
async function placeAndSettle(
  context: ScenarioContext,
  shoppers: Shoppers,
  orders: PlannedOrder[],
  rate: number,
) {
  const accepted: string[] = [];
  const run = await runOpenModel({
    rate,
    count: orders.length,
    send: async (index) => {
      const answer = await shoppers.place(orders[index] as PlannedOrder);
      if (answer.status === 202) accepted.push(answer.body.id);
      return answer.status;
    },
    ok: (status) => status === 202,
  });
  const settleMs = await waitUntilSettled(context.env.db, run.startedAt);
  const processedPerSecond =
    settleMs === null ? null : Math.round(accepted.length / (Math.max(settleMs, 1) / 1000));
  return { run, accepted, settleMs, processedPerSecond };
}

/**
 * REQ-3.2.2: `orders` orders from many customers over many products at `orderRate`, then the
 * time until every one is settled, the final stock and balances checked against the completed
 * orders, and the processes' memory peaks over the whole scenario.
 */
export async function orderThroughput(context: ScenarioContext): Promise<ThroughputResult> {
  const { options } = context;
  const catalog = throughputCatalog(options.orders, options.customers, options.orderProducts);
  const customers = await seedCustomers(context, `${context.runId}-throughput`, catalog.balances);
  const products = await seedProducts(context, catalog.products);
  const shoppers = new Shoppers(customers);
  const mix = new OrderMix(
    322,
    customers.map((c) => c.id),
    products.map((p) => p.id),
    catalog.hotCount,
    catalog.hotShare,
  );
  const plan = (n: number) => Array.from({ length: n }, () => mix.next());

  const memory = measureMemory(context);
  const cpu = measureCpuPerOrder(context);
  const main = await placeAndSettle(context, shoppers, plan(options.orders), options.orderRate);
  const cpuPerOrder = cpu.stop(main.accepted.length);
  const peaks = memory.stop();
  const stream = streamResult(ENDPOINT, main.run, options.orderRate);
  const check = await checkOutcomes(context.env.db, customers, products, main.accepted);
  context.log(
    `  ${main.accepted.length}/${options.orders} accepted, p99 ${formatMs(stream.latency.p99)}, ` +
      `settled in ${main.settleMs} ms, ${JSON.stringify(check.outcomes)}, ` +
      `${check.exact ? 'stock and balances exact' : `NOT EXACT: ${check.problems[0]}`}, ` +
      `API peak ${peaks.api.hwmMb} MB` +
      (peaks.worker ? `, worker peak ${peaks.worker.hwmMb} MB` : ' (one process)') +
      (cpuPerOrder ? `, CPU ${describeCpuPerOrder(cpuPerOrder)}` : ''),
  );

  // The hot products are sold out by now: restock them so that the steps place real orders.
  for (const product of products.slice(0, catalog.hotCount)) {
    await context.admin.expect(200, 'PATCH', `/products/${product.id}`, { stock: 1_000_000 });
  }
  const saturation = options.saturation
    ? await findSaturation(
        {
          startRate: options.orderRate,
          factor: options.stepFactor,
          maxSteps: options.maxSteps,
          criterion:
            `all accepted, p99 ≤ ${TARGETS.orderP99Ms} ms, the worker settles ≥ ` +
            `${TARGETS.processedShare * 100}% of the arrival rate, generator on schedule`,
        },
        async (rate) => {
          const orders = plan(count(rate, options.stepSeconds));
          const step = await placeAndSettle(context, shoppers, orders, rate);
          const judged = judgeStep(
            rate,
            [streamResult(ENDPOINT, step.run, rate)],
            TARGETS.orderP99Ms,
          );
          return judgeProcessing(judged, step.processedPerSecond);
        },
        context.log,
      )
    : null;

  return {
    orders: options.orders,
    customers: options.customers,
    products: options.orderProducts,
    stream,
    accepted: main.accepted.length,
    acceptedPerSecond: stream.okPerSecond,
    settleMs: main.settleMs,
    processedPerSecond: main.processedPerSecond,
    check,
    memory: peaks,
    cpuPerOrder,
    saturation,
  };
}
