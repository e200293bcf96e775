import type { Container } from 'inversify';
import type { OrderQueue } from '../../src/application/ports/order-queue';
import { TOKENS } from '../../src/application/ports/tokens';
import { loadConfig } from '../../src/config/config';
import { buildContainer } from '../../src/config/container';
import { ManualClock, SequentialIds } from './fakes';
import { silentLogger } from './silent-logger';

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
  const { container, disposers } = await buildContainer(loadConfig(env), silentLogger);
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
