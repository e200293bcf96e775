import type { Container } from 'inversify';
import { PublishAfterCommit } from '../../src/application/orders/publish-after-commit';
import type { OrderJob, OrderQueue } from '../../src/application/ports/order-queue';
import { TOKENS } from '../../src/application/ports/tokens';
import { succeeded } from '../../src/application/shared/batcher';
import { loadConfig } from '../../src/config/config';
import { buildContainer } from '../../src/config/container';
import { ManualClock, SequentialIds } from './fakes';
import { silentLogger } from './silent-logger';
import { TEST_AUTH_SECRET } from './tokens';

export interface Harness {
  container: Container;
  clock: ManualClock;
  queue: OrderQueue;
  get<T>(useCase: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/**
 * Use cases wired by the real composition root on the embedded adapters, with a manual clock and
 * sequential ids. No worker consumes the queue: tests drive processing themselves.
 */
export async function useCaseHarness(env: Record<string, string> = {}): Promise<Harness> {
  const { container, disposers } = await buildContainer(
    loadConfig({ AUTH_JWT_SECRET: TEST_AUTH_SECRET, ...env }),
    silentLogger,
  );
  const clock = new ManualClock();
  container.rebindSync(TOKENS.Clock).toConstantValue(clock);
  container.rebindSync(TOKENS.IdGenerator).toConstantValue(new SequentialIds());
  return {
    container,
    clock,
    queue: container.get<OrderQueue>(TOKENS.OrderQueue),
    get: (useCase) => container.get(useCase),
    close: () => disposers.disposeAll(silentLogger),
  };
}

/**
 * Takes every job published so far from the harness's in-process queue (it hands them all out at
 * once), once every publish handed to it in the background (see PublishAfterCommit) went out.
 */
export async function takePublishedJobs(h: Pick<Harness, 'get' | 'queue'>): Promise<OrderJob[]> {
  await h.get(PublishAfterCommit).settled();
  const jobs: OrderJob[] = [];
  const consumer = await h.queue.consume(
    {
      handle: async (delivery) => {
        jobs.push(...delivery);
        return delivery.map(() => succeeded(undefined));
      },
      deadLettered: async () => {},
    },
    { concurrency: 1_000_000 },
  );
  await consumer.stop();
  return jobs;
}
