import type { Order } from '../../domain/order/order';
import { IdempotencyKeyReusedError } from '../../domain/order/order.errors';
import { placeOrder, type OrderLine } from '../../domain/order/place-order';
import { ValidationError } from '../../domain/shared/domain-error';
import { orderId, type CustomerId } from '../../domain/shared/ids';
import { authorise, ForbiddenError, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import { IdempotencyKeyTakenError } from '../errors';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { OrderRepository } from '../ports/order-repository';
import { NO_TRACING, type Tracing, type WorkOrigin } from '../ports/tracing';
import type { UnitOfWork } from '../ports/unit-of-work';
import { Batcher, failed, succeeded, type BatchOptions, type Outcome } from '../shared/batcher';
import type { AdmissionControl } from './admission-control';
import { orderJob, workOrigin } from './order-job';
import type { PublishAfterCommit } from './publish-after-commit';
import { requestFingerprint } from './request-fingerprint';

export interface PlaceOrderInput {
  /** Whose order it is; a customer may leave it out to mean itself. */
  customerId: CustomerId | null;
  items: readonly OrderLine[];
  idempotencyKey: string | null;
  /** The HTTP request's id, carried with the job for the worker's log lines. */
  requestId?: string;
}

/** An order waiting to be stored, with the request it came from. */
interface Placement {
  order: Order;
  origin: WorkOrigin | undefined;
}

/** The input once the caller's customer is settled. */
interface OrderRequest extends PlaceOrderInput {
  customerId: CustomerId;
}

export interface PlaceOrderResult {
  order: Order;
  /** True when an earlier request with the same idempotency key created the order. */
  replayed: boolean;
}

/**
 * Accepts an order without waiting for stock or wallet checks: store it PENDING, then publish.
 * Once stored it is never lost: the answer does not wait for the publish, and a failed one is
 * covered by the re-publisher (see PublishAfterCommit). Too much work waiting for the broker or
 * the workers refuses an order before it is stored. The store checks customers and products
 * as it inserts, so accepting costs no read of its own. Orders placed at the same time are stored
 * in one transaction and published together (see Batcher).
 *
 * Traced, a batch is a span of its own, since one transaction serves several requests: the child
 * of its request when it holds one order, otherwise linked to every request's span. Each job
 * carries its own request's trace context, so the worker continues that request's trace.
 */
export class PlaceOrder {
  private readonly intake: Batcher<Placement, void>;
  /**
   * The last call under way in this process for each (customer, idempotency key). A client's
   * retry then waits for its first attempt and replays it, instead of meeting it in one batch,
   * where the duplicate key would refuse the whole batch and send each order in it alone.
   */
  private readonly lastCallByKey = new Map<string, Promise<PlaceOrderResult>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly publisher: PublishAfterCommit,
    private readonly admission: AdmissionControl,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    batching: BatchOptions,
    private readonly tracing: Tracing = NO_TRACING,
  ) {
    this.intake = new Batcher((placements) => this.storeAndPublish(placements), batching);
  }

  async execute(caller: Caller, request: PlaceOrderInput): Promise<PlaceOrderResult> {
    authorise(caller, 'placeOrder');
    const input = { ...request, customerId: orderingCustomer(caller, request.customerId) };
    if (!input.idempotencyKey) return this.place(input);
    const slot = JSON.stringify([input.customerId, input.idempotencyKey]);
    const earlier = this.lastCallByKey.get(slot) ?? Promise.resolve(null);
    const call = earlier.catch(() => null).then(() => this.place(input));
    this.lastCallByKey.set(slot, call);
    try {
      return await call;
    } finally {
      if (this.lastCallByKey.get(slot) === call) this.lastCallByKey.delete(slot);
    }
  }

  private async place(input: OrderRequest): Promise<PlaceOrderResult> {
    const fingerprint = input.idempotencyKey
      ? requestFingerprint(input.customerId, input.items)
      : null;
    if (input.idempotencyKey) {
      const earlier = await this.replay(input.customerId, input.idempotencyKey, fingerprint);
      if (earlier) return earlier;
    }

    const order = placeOrder({
      id: orderId(this.ids.next()),
      customerId: input.customerId,
      lines: input.items,
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: fingerprint,
      now: this.clock.now(),
    });
    this.publisher.checkRoom();
    await this.admission.admit();

    try {
      await this.intake.submit({ order, origin: workOrigin(input.requestId, this.tracing) });
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError) || !input.idempotencyKey) throw error;
      const earlier = await this.replay(input.customerId, input.idempotencyKey, fingerprint);
      if (!earlier) throw error;
      return earlier;
    }

    return { order, replayed: false };
  }

  private storeAndPublish(placements: readonly Placement[]): Promise<Outcome<void>[]> {
    return this.tracing.run(
      'store orders',
      'internal',
      placements.map(({ origin }) => origin?.trace),
      { 'orders.count': placements.length },
      async () => {
        const orders = placements.map(({ order }) => order);
        const refused = await this.uow.run((tx) => tx.orders.insertMany(orders));
        this.publisher.publish(
          placements.flatMap(({ order, origin }, index) =>
            refused[index] === null ? [orderJob('PLACE', order, origin)] : [],
          ),
          'orders stored but not published; the re-publisher will retry',
        );
        return refused.map((error) => (error ? failed(error) : succeeded(undefined)));
      },
    );
  }

  private async replay(
    customerId: CustomerId,
    key: string,
    fingerprint: string | null,
  ): Promise<PlaceOrderResult | null> {
    const earlier = await this.orders.findByIdempotencyKey(customerId, key);
    if (!earlier) return null;
    if (earlier.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    return { order: earlier, replayed: true };
  }
}

/** The customer an order is placed for: named by an admin, or the calling customer itself. */
function orderingCustomer(caller: Caller, named: CustomerId | null): CustomerId {
  const customerId = named ?? (caller.role === 'customer' ? caller.customerId : null);
  if (!customerId) {
    throw new ValidationError('The request is invalid', [
      { path: 'customerId', message: 'is required when an admin places an order' },
    ]);
  }
  if (!reaches(caller, 'placeOrder', customerId)) throw new ForbiddenError();
  return customerId;
}
