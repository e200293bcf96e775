import { RehearseOrderProcessing } from '../../../src/application/system/rehearse-order-processing';
import type { CustomerRepository } from '../../../src/application/ports/customer-repository';
import type { OrderRepository } from '../../../src/application/ports/order-repository';
import type { ProductRepository } from '../../../src/application/ports/product-repository';
import { TOKENS } from '../../../src/application/ports/tokens';
import { customerId, orderId } from '../../../src/domain/shared/ids';
import { SequentialIds } from '../../support/fakes';
import { useCaseHarness, type Harness } from '../../support/use-case-harness';

describe('RehearseOrderProcessing', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await useCaseHarness();
  });

  afterEach(() => h.close());

  it('completes every order of a round and cancels half of them, then keeps none of it, round after round', async () => {
    const rehearsal = h.get(RehearseOrderProcessing);
    expect(await rehearsal.execute()).toEqual({ COMPLETED: 32, CANCELLED: 32 });
    expect(await rehearsal.execute()).toEqual({ COMPLETED: 32, CANCELLED: 32 });
    const customers = h.container.get<CustomerRepository>(TOKENS.CustomerRepository);
    const orders = h.container.get<OrderRepository>(TOKENS.OrderRepository);
    const products = h.container.get<ProductRepository>(TOKENS.ProductRepository);
    // The harness's ids are sequential: none of the ids the two rounds used names anything.
    const ids = new SequentialIds();
    for (let round = 0; round < 2 * (4 + 8 + 64); round += 1) {
      const id = ids.next();
      expect(await customers.findById(customerId(id))).toBeNull();
      expect(await orders.findById(orderId(id))).toBeNull();
    }
    expect((await products.list({ limit: 10, after: null })).items).toEqual([]);
    expect(await orders.findStalledWork(new Date(8.64e15), 1000)).toEqual([]);
  });
});
