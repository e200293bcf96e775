import { formatMs } from '../load/histogram';
import { HttpTarget } from '../load/http-client';
import { p99s, streamResult, type ColdStartResult } from '../report/results';
import { customerToken } from '../service/tokens';
import type { ScenarioContext } from './context';
import { CANCEL, CREATE, LEAD_SECONDS, seedCreateCancel } from './create-cancel';
import { checkOutcomes, waitUntilSettled } from './outcomes';
import { Shoppers } from './workload';

/** A service started afresh on the same database, and how long it took to become ready. */
export interface Restarted {
  origin: string;
  readyAfterMs: number;
}

const list = (values: readonly number[]) => values.map((ms) => formatMs(ms)).join(' · ');

/**
 * REQ-3.3.1's load as a new user meets it: the service is restarted, and the moment it is ready,
 * creates and cancels start at their full rates, with no warm-up. The customers, products and the
 * first second's orders to cancel are seeded beforehand through the running service, so that
 * nothing but the load reaches the new processes.
 */
export async function coldStart(
  context: ScenarioContext,
  restart: () => Promise<Restarted>,
): Promise<ColdStartResult> {
  const { options } = context;
  const { customers, products, load } = await seedCreateCancel(context, 'cold');
  await load.creates(options.createRate, LEAD_SECONDS);
  await waitUntilSettled(context.env.db, Date.now());

  const { origin, readyAfterMs } = await restart();
  const target = HttpTarget.open(origin, options.connections);
  try {
    const clients = await Promise.all(
      customers.map(async (customer) => ({
        ...customer,
        client: target.as(await customerToken(context.env.authSecret, customer.id)),
      })),
    );
    load.sendAs(new Shoppers(clients));
    const [created, cancelled] = await load.both(
      options.createRate,
      options.cancelRate,
      options.seconds,
      true,
    );
    const create = streamResult(CREATE, created, options.createRate);
    const cancel = streamResult(CANCEL, cancelled, options.cancelRate);
    const createP99BySecondMs = p99s(created.latencyBySecond);
    const cancelP99BySecondMs = p99s(cancelled.latencyBySecond);
    await waitUntilSettled(context.env.db, Date.now());
    const check = await checkOutcomes(context.env.db, customers, products, load.placedIds());
    context.log(
      `  ready ${readyAfterMs} ms after the start; create p99 ${formatMs(create.latency.p99)} ` +
        `(by second: ${list(createP99BySecondMs)}), cancel p99 ${formatMs(cancel.latency.p99)} ` +
        `(by second: ${list(cancelP99BySecondMs)}), ${JSON.stringify(check.outcomes)}, ` +
        `${check.exact ? 'invariants hold' : 'NOT EXACT'}`,
    );
    return {
      seconds: options.seconds,
      readyAfterMs,
      create,
      cancel,
      createP99BySecondMs,
      cancelP99BySecondMs,
      check,
    };
  } finally {
    await target.close();
  }
}
