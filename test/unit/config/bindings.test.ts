import { Container } from 'inversify';
import { MemoryStore } from '../../../src/adapters/persistence/memory/memory-store';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { GetOrder } from '../../../src/application/orders/get-order';
import { PublishAfterCommit } from '../../../src/application/orders/publish-after-commit';
import type { Clock } from '../../../src/application/ports/clock';
import type { OrderQueue } from '../../../src/application/ports/order-queue';
import { TOKENS } from '../../../src/application/ports/tokens';
import { bindClass, bindFactory, bindValue, resolve } from '../../../src/config/bindings';
import { silentLogger } from '../../support/silent-logger';

const queue = { publish: async () => {} } as unknown as OrderQueue;

describe('typed bindings', () => {
  it('builds each binding from the values of its identifiers, in their order', () => {
    const container = new Container({ defaultScope: 'Singleton' });
    const store = new MemoryStore();
    const clock = new SystemClock();
    bindValue(container, TOKENS.OrderRepository, store.orders);
    bindValue(container, TOKENS.OrderQueue, queue);
    bindValue(container, TOKENS.Logger, silentLogger);
    bindValue(container, TOKENS.Clock, clock);
    bindClass(container, GetOrder, [TOKENS.OrderRepository]);
    const made: unknown[][] = [];
    bindFactory(container, PublishAfterCommit, [TOKENS.OrderQueue, TOKENS.Logger], (q, logger) => {
      made.push([q, logger]);
      return new PublishAfterCommit(q, logger);
    });

    expect(resolve(container, TOKENS.Clock)).toBe(clock);
    expect(resolve(container, GetOrder)).toBeInstanceOf(GetOrder);
    expect(resolve(container, PublishAfterCommit)).toBe(resolve(container, PublishAfterCommit));
    expect(made).toEqual([[queue, silentLogger]]);
  });
});

/**
 * Bindings that disagree with what they bind do not compile: `npm run typecheck` fails on any line
 * below that stops being an error. Never called.
 */
export function mismatchedBindings(container: Container, clock: Clock): void {
  // @ts-expect-error GetOrder takes an OrderRepository, not a Clock.
  bindClass(container, GetOrder, [TOKENS.Clock]);
  // @ts-expect-error The dependencies of PublishAfterCommit in the wrong order.
  bindClass(container, PublishAfterCommit, [TOKENS.Logger, TOKENS.OrderQueue]);
  // @ts-expect-error One dependency short.
  bindClass(container, PublishAfterCommit, [TOKENS.OrderQueue]);
  bindFactory(
    container,
    PublishAfterCommit,
    [TOKENS.Logger, TOKENS.OrderQueue],
    // @ts-expect-error The factory's parameters in another order than its dependencies.
    (q, logger) => new PublishAfterCommit(q, logger),
  );
  bindFactory(
    container,
    GetOrder,
    [TOKENS.OrderRepository],
    // @ts-expect-error A factory that makes something else than its identifier names.
    () => new PublishAfterCommit(queue, silentLogger),
  );
  // @ts-expect-error A value of another port than its token's.
  bindValue(container, TOKENS.Logger, clock);
  // @ts-expect-error An identifier that names no type: a bare symbol.
  bindClass(container, GetOrder, [Symbol.for('OrderRepository')]);
  // @ts-expect-error What a token resolves to is the token's type, not one the caller picks.
  const logger: typeof silentLogger = resolve(container, TOKENS.Clock);
  void logger;
}
