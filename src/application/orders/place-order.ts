import type { Order } from '../../domain/order/order';
import { IdempotencyKeyReusedError } from '../../domain/order/order.errors';
import { placeOrder, type OrderLine } from '../../domain/order/place-order';
import { DomainError, ValidationError } from '../../domain/shared/domain-error';
import { orderId, type CustomerId } from '../../domain/shared/ids';
import { authorise, ForbiddenError, reaches } from '../access/access-policy';
import type { Caller } from '../access/caller';
import { IdempotencyKeyTakenError } from '../errors';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { Metrics } from '../ports/metrics';
import type { InsertRefusal } from '../ports/order-repository';
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

export interface PlaceOrderResult {
  order: Order;
  /** True when an earlier request with the same idempotency key created the order. */
  replayed: boolean;
}

/**
 * Accepts an order without waiting for stock or wallet checks: store it PENDING, then publish.
 * Once stored it is never lost: the answer does not wait for the publish, and a failed one is
 * covered by the re-publisher (see PublishAfterCommit). Too much work waiting for the broker or
 * the workers refuses an order before it is stored. The store checks idempotency keys, customers
 * and products as it inserts, so accepting costs no read of its own, and a retried request is
 * answered from what the store reports. Orders placed at the same time are stored in one
 * transaction and published together (see Batcher).
 *
 * Traced, a batch is a span of its own, since one transaction serves several requests: the child
 * of its request when it holds one order, otherwise linked to every request's span. Each job
 * carries its own request's trace context, so the worker continues that request's trace.
 */
export class PlaceOrder {
  private readonly intake: Batcher<Placement, PlaceOrderResult>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly publisher: PublishAfterCommit,
    private readonly admission: AdmissionControl,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    batching: BatchOptions,
    private readonly tracing: Tracing = NO_TRACING,
  ) {
    this.intake = new Batcher((placements) => this.storeAndPublish(placements), batching);
  }

  async execute(caller: Caller, request: PlaceOrderInput): Promise<PlaceOrderResult> {
    authorise(caller, 'placeOrder');
    const customerId = orderingCustomer(caller, request.customerId);
    const order = placeOrder({
      id: orderId(this.ids.next()),
      customerId,
      lines: request.items,
      idempotencyKey: request.idempotencyKey,
      requestFingerprint: request.idempotencyKey
        ? requestFingerprint(customerId, request.items)
        : null,
      now: this.clock.now(),
    });
    this.publisher.checkRoom();
    await this.admission.admit();
    return this.intake.submit({ order, origin: workOrigin(request.requestId, this.tracing) });
  }

  private storeAndPublish(placements: readonly Placement[]): Promise<Outcome<PlaceOrderResult>[]> {
    return this.tracing.run(
      'store orders',
      'internal',
      placements.map(({ origin }) => origin?.trace),
      { 'orders.count': placements.length },
      async () => {
        const orders = placements.map(({ order }) => order);
        const refusals = await this.store(orders);
        this.metrics.ordersAccepted(refusals.filter((refusal) => refusal === null).length);
        this.publisher.publish(
          placements.flatMap(({ order, origin }, index) =>
            refusals[index] === null ? [orderJob('PLACE', order, origin)] : [],
          ),
          'orders stored but not published; the re-publisher will retry',
        );
        return refusals.map((refusal, index) => answer(orders[index] as Order, refusal));
      },
    );
  }

  /**
   * A key another process stored after the check fails the whole insert; that process has
   * committed, so the same insert in a new transaction sees the key and reports it.
   */
  private async store(orders: readonly Order[]): Promise<(InsertRefusal | null)[]> {
    const insert = () => this.uow.run((tx) => tx.orders.insertMany(orders));
    try {
      return await insert();
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) throw error;
      return insert();
    }
  }
}

/** An order's answer from what the store did with it: stored, an earlier order's replay, or why not. */
function answer(order: Order, refusal: InsertRefusal | null): Outcome<PlaceOrderResult> {
  if (refusal === null) return succeeded({ order, replayed: false });
  if (refusal instanceof DomainError) return failed(refusal);
  const earlier = refusal.takenBy;
  return earlier.requestFingerprint === order.requestFingerprint
    ? succeeded({ order: earlier, replayed: true })
    : failed(new IdempotencyKeyReusedError());
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
