import { runOpenModel, type LoadRun } from '../load/open-model';
import { formatMs } from '../load/histogram';
import { streamResult, type CreateCancelResult, type StreamResult } from '../report/results';
import { describeCpuPerOrder } from '../service/cpu-usage';
import { count, measureCpuPerOrder, measureMemory, type ScenarioContext } from './context';
import { checkOutcomes, waitUntilSettled } from './outcomes';
import { findSaturation, judgeStep } from './saturation';
import { TARGETS } from './targets';
import { OrderMix, seedCustomers, seedProducts, Shoppers } from './workload';

export const CREATE = 'POST /orders';
export const CANCEL = 'POST /orders/{id}/cancel';

/** Ahead of the cancellations, so that they always have an order about a second old to cancel. */
export const LEAD_SECONDS = 1;

class NoOrderToCancel extends Error {
  readonly code = 'no order to cancel yet';
}

/**
 * REQ-3.3.1's two streams: POST /orders from a seeded mix, and POST /orders/{id}/cancel naming
 * the orders placed, in their order, each by the customer who placed it (only they may cancel).
 */
export class CreateCancelLoad {
  private readonly placed: { id: string; customerId: string }[] = [];
  private cancelled = 0;

  constructor(
    private readonly mix: OrderMix,
    private shoppers: Shoppers,
  ) {}

  /** The ids of every order placed so far. */
  placedIds(): string[] {
    return this.placed.map((order) => order.id);
  }

  /** From now on the same customers send through these clients (a restarted service, say). */
  sendAs(shoppers: Shoppers): void {
    this.shoppers = shoppers;
  }

  creates(rate: number, seconds: number, bySecond = false): Promise<LoadRun> {
    return runOpenModel({
      rate,
      count: count(rate, seconds),
      bySecond,
      send: async () => {
        const order = this.mix.next();
        const answer = await this.shoppers.place(order);
        if (answer.status === 202) {
          this.placed.push({ id: answer.body.id, customerId: order.customerId });
        }
        return answer.status;
      },
      ok: (status) => status === 202,
    });
  }

  cancels(rate: number, seconds: number, bySecond = false): Promise<LoadRun> {
    return runOpenModel({
      rate,
      count: count(rate, seconds),
      bySecond,
      send: () => {
        const order = this.placed[this.cancelled];
        if (order === undefined) return Promise.reject(new NoOrderToCancel());
        this.cancelled += 1;
        return this.shoppers.clientOf(order.customerId).send('POST', `/orders/${order.id}/cancel`);
      },
      ok: (status) => status === 202,
    });
  }

  both(
    createRate: number,
    cancelRate: number,
    seconds: number,
    bySecond = false,
  ): Promise<[LoadRun, LoadRun]> {
    return Promise.all([
      this.creates(createRate, seconds, bySecond),
      this.cancels(cancelRate, seconds, bySecond),
    ]);
  }
}

/** Rich customers and a well-stocked catalogue, so that nothing fails for want of either. */
export async function seedCreateCancel(context: ScenarioContext, label: string) {
  const customers = await seedCustomers(
    context,
    `${context.runId}-${label}`,
    Array.from({ length: 100 }, () => 1_000_000_000),
  );
  const products = await seedProducts(
    context,
    Array.from({ length: 50 }, (_, i) => ({ price: 100 + i * 10, stock: 1_000_000_000 })),
  );
  const mix = new OrderMix(
    331,
    customers.map((c) => c.id),
    products.map((p) => p.id),
    5,
    0.1,
  );
  return { customers, products, load: new CreateCancelLoad(mix, new Shoppers(customers)) };
}

/**
 * REQ-3.3.1: POST /orders and POST /orders/{id}/cancel side by side, each at its own arrival
 * rate; every cancellation names an order the create stream placed about a second earlier (by
 * then mostly COMPLETED, so most cancellations are refunds and restocks for the worker).
 */
export async function createCancel(context: ScenarioContext): Promise<CreateCancelResult> {
  const { options } = context;
  const { customers, products, load } = await seedCreateCancel(context, 'cancel');
  const both = async (
    createRate: number,
    cancelRate: number,
    seconds: number,
  ): Promise<[StreamResult, StreamResult]> => {
    const [created, cancelRun] = await load.both(createRate, cancelRate, seconds);
    return [streamResult(CREATE, created, createRate), streamResult(CANCEL, cancelRun, cancelRate)];
  };

  // The lead gives the cancellations orders to name; the warm-up then runs both streams, so that
  // neither endpoint is measured cold.
  await load.creates(options.createRate, LEAD_SECONDS);
  if (options.warmupSeconds > 0) {
    await both(options.createRate, options.cancelRate, options.warmupSeconds);
  }
  const memory = measureMemory(context);
  const cpu = measureCpuPerOrder(context);
  const [create, cancel] = await both(options.createRate, options.cancelRate, options.seconds);
  const peaks = memory.stop();
  await waitUntilSettled(context.env.db, Date.now());
  const cpuPerOrder = cpu.stop(create.ok);
  const check = await checkOutcomes(context.env.db, customers, products, load.placedIds());
  context.log(
    `  create p99 ${formatMs(create.latency.p99)}, cancel p99 ${formatMs(cancel.latency.p99)}, ` +
      `${JSON.stringify(check.outcomes)}, ${check.exact ? 'invariants hold' : 'NOT EXACT'}` +
      (cpuPerOrder ? `, CPU ${describeCpuPerOrder(cpuPerOrder)}` : ''),
  );

  const saturation = options.saturation
    ? await findSaturation(
        {
          startRate: options.createRate,
          factor: options.stepFactor,
          maxSteps: options.maxSteps,
          criterion:
            `create and cancel each at the rate, both p99 ≤ ${TARGETS.orderP99Ms} ms, ` +
            'no errors, generator on schedule',
        },
        async (rate) => {
          const cancelRate = (rate * options.cancelRate) / options.createRate;
          const streams = await both(rate, cancelRate, options.stepSeconds);
          await waitUntilSettled(context.env.db, Date.now());
          return judgeStep(rate, streams, TARGETS.orderP99Ms);
        },
        context.log,
      )
    : null;

  return {
    seconds: options.seconds,
    create,
    cancel,
    check,
    memory: peaks,
    cpuPerOrder,
    saturation,
  };
}
