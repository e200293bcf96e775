import { customerId, orderId, productId } from '../../../../domain/shared/ids';
import { jsonContent, LOCATION, STORE_ERRORS } from '../documented-responses';
import type { HttpApi } from '../endpoint';
import type { HttpDependencies } from '../http-dependencies';
import { presentOrder } from '../presenters';
import { requestIdOf } from '../request-id';
import { IdempotencyHeaders, IdParams, OrderSchema, PlaceOrderBody } from '../schemas';

type Deps = Pick<HttpDependencies, 'placeOrder' | 'getOrder' | 'requestCancellation'>;

export function orderRoutes(api: HttpApi, deps: Deps): void {
  const tag = 'Orders';

  api.endpoint({
    method: 'post',
    path: '/orders',
    operationId: 'placeOrder',
    access: 'placeOrder',
    summary: 'Place an order',
    description:
      'Answers 202 once the order is durably stored, PENDING; a worker then checks stock and ' +
      'funds and moves it to COMPLETED or FAILED. Poll the Location.',
    tag,
    headers: IdempotencyHeaders,
    body: PlaceOrderBody,
    errors: [
      'FORBIDDEN',
      'UNKNOWN_CUSTOMER',
      'UNKNOWN_PRODUCT',
      'IDEMPOTENCY_KEY_REUSED',
      'BACKLOG_FULL',
      ...STORE_ERRORS,
    ],
    responses: {
      202: {
        description: 'The order, accepted (or the earlier order of this Idempotency-Key).',
        headers: {
          Location: LOCATION,
          'Idempotent-Replayed': {
            description: 'Present, `true`, when an earlier request with this key made the order.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
        content: jsonContent(OrderSchema),
      },
    },
    handle: async ({ caller, headers, body }, ctx) => {
      const { order, replayed } = await deps.placeOrder.execute(caller, {
        customerId: body.customerId === undefined ? null : customerId(body.customerId),
        items: body.items.map((item) => ({
          productId: productId(item.productId),
          quantity: item.quantity,
        })),
        idempotencyKey: headers['Idempotency-Key'] ?? null,
        requestId: requestIdOf(ctx),
      });
      ctx.status = 202;
      ctx.set('Location', `/orders/${encodeURIComponent(order.id)}`);
      if (replayed) ctx.set('Idempotent-Replayed', 'true');
      ctx.body = presentOrder(order);
    },
  });

  api.endpoint({
    method: 'get',
    path: '/orders/{id}',
    operationId: 'getOrder',
    access: 'getOrder',
    summary: 'Read an order',
    tag,
    params: IdParams,
    errors: STORE_ERRORS,
    responses: { 200: { description: 'The order.', content: jsonContent(OrderSchema) } },
    handle: async ({ caller, params }, ctx) => {
      ctx.body = presentOrder(await deps.getOrder.execute(caller, orderId(params.id)));
    },
  });

  api.endpoint({
    method: 'post',
    path: '/orders/{id}/cancel',
    operationId: 'cancelOrder',
    access: 'cancelOrder',
    summary: 'Cancel an order',
    description:
      'Answers 202 without waiting for the worker: a PENDING order ends CANCELLED with nothing ' +
      'applied, a COMPLETED one ends CANCELLED with its stock restored and its total refunded. ' +
      'Sending it again changes nothing.',
    tag,
    params: IdParams,
    errors: ['ORDER_NOT_CANCELLABLE', ...STORE_ERRORS],
    responses: {
      202: {
        description: 'The order; the cancellation is applied shortly.',
        headers: { Location: { ...LOCATION, description: 'Where to follow the order.' } },
        content: jsonContent(OrderSchema),
      },
    },
    handle: async ({ caller, params }, ctx) => {
      const order = await deps.requestCancellation.execute(
        caller,
        orderId(params.id),
        requestIdOf(ctx),
      );
      ctx.status = 202;
      ctx.set('Location', `/orders/${encodeURIComponent(order.id)}`);
      ctx.body = presentOrder(order);
    },
  });
}
