import {
  FAILURE_REASONS,
  MAX_ITEMS,
  MAX_QUANTITY,
  type OrderStatus,
} from '../../../domain/order/order';
import { ERROR_CODES } from '../../../domain/shared/error-codes';
import { MAX_AMOUNT } from '../../../domain/shared/money';
import { HTTP_ERROR_CODES, PROBLEMS, PROBLEM_TYPE_BASE } from './error-middleware';
import { z } from './zod';

/**
 * The schemas of the public contract. The same objects validate requests and generate
 * `/openapi.json`, so the documentation cannot say one thing while the server checks another.
 */

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Ids are opaque; anything outside this shape cannot name a stored row. */
export const Id = z
  .string()
  .regex(ID_PATTERN, { error: 'must be an id: 1 to 64 letters, digits, "-" or "_"' })
  .openapi({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' });

/**
 * An id in the URL is documented as any string: whatever cannot name a stored row answers 404,
 * as an unknown id does, so a client or proxy that checked the shape would refuse what the
 * service answers.
 */
export const IdParams = z.object({
  id: z
    .string()
    .refine((id) => ID_PATTERN.test(id))
    .openapi({
      param: { description: 'The resource id; an id that names nothing answers 404.' },
      example: '0f8fad5b-d9cb-469f-a165-70867728950e',
    }),
});

const Name = z
  .string()
  .min(1, { error: 'must not be empty', abort: true })
  .max(200, { error: 'must be at most 200 characters' })
  .regex(/\S/, { error: 'must not be blank' });

/**
 * Money and counts: integers within the safe range, never floats or numeric strings. `z.int()`
 * refuses what is past that range (MAX_AMOUNT) without saying so in the document: the document is
 * told here.
 */
const Amount = z
  .int({
    error: (issue) =>
      issue.code === 'too_big' ? `must be at most ${MAX_AMOUNT}` : 'must be an integer',
  })
  .openapi({ maximum: MAX_AMOUNT });

/** An amount the service reports: never negative, never past the safe range. */
const Money = z.int().min(0).max(MAX_AMOUNT).openapi({ description: 'Minor units (cents).' });
const Count = z.int().min(0).max(MAX_AMOUNT);

/**
 * Zod's own email rule, published as the `pattern` it is: `format: email` means a different rule
 * in every validator (some accept `a@b.c`, which this one refuses).
 */
const Email = z
  .string()
  .max(254, { error: 'must be at most 254 characters' })
  .regex(z.regexes.email, { error: 'must be an email address' })
  .openapi({ description: 'An email address.', example: 'ada@example.com' });

const Timestamp = z.iso.datetime().openapi({ example: '2025-01-31T12:00:00.000Z' });

// Requests

export const CreateCustomerBody = z
  .strictObject({
    name: Name,
    email: Email,
    // No `default` in the schema: generated clients would make a defaulted field required.
    balance: Amount.min(0, { error: 'must be at least 0' })
      .optional()
      .openapi({ description: 'Opening balance in minor units (cents); 0 when left out.' }),
  })
  .openapi('CreateCustomer');

export const DepositBody = z
  .strictObject({
    amount: Amount.min(1, { error: 'must be greater than 0' }).openapi({
      description: 'Minor units (cents) added to the balance.',
    }),
  })
  .openapi('Deposit');

export const CreateProductBody = z
  .strictObject({
    name: Name,
    price: Amount.min(0, { error: 'must be at least 0' }).openapi({ description: 'Minor units.' }),
    stock: Amount.min(0, { error: 'must be at least 0' }),
  })
  .openapi('CreateProduct');

export const UpdateProductBody = CreateProductBody.partial()
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    error: 'must change at least one of name, price, stock',
  })
  .openapi('UpdateProduct', { minProperties: 1 });

const OrderLine = z
  .strictObject({
    productId: Id,
    quantity: z
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_QUANTITY, { error: `must be at most ${MAX_QUANTITY}` }),
  })
  .openapi('OrderLine');

export const PlaceOrderBody = z
  .strictObject({
    customerId: Id.optional().openapi({
      description: 'Whose order it is. Required for an admin; a customer may leave it out.',
    }),
    items: z
      .array(OrderLine)
      .min(1, { error: 'must hold at least 1 item' })
      .max(MAX_ITEMS, { error: `must hold at most ${MAX_ITEMS} items` })
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.productId)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'productId'],
              message: 'appears more than once',
            });
          }
          seen.add(item.productId);
        });
      })
      // JSON Schema cannot say "unique by one property": the extension says it to tools that read it.
      .openapi({
        description: `1 to ${MAX_ITEMS} items, each productId at most once.`,
        'x-unique-item-property': 'productId',
      }),
  })
  .openapi('PlaceOrder');

export const IdempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .min(1, { error: 'must be 1 to 255 characters', abort: true })
    .max(255, { error: 'must be 1 to 255 characters' })
    // HTTP drops the whitespace around a header value: a blank key arrives empty.
    .regex(/\S/, { error: 'must not be blank' })
    .optional()
    .openapi({
      description:
        'Makes the request safe to retry: the same key with the same body returns the first ' +
        'order (with `Idempotent-Replayed: true`); with another body it fails with ' +
        'IDEMPOTENCY_KEY_REUSED. Keys are kept at least 24 hours, per customer.',
    }),
});

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const LIMIT_ERROR = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

/** Query values arrive as text: `limit` takes plain digits only (no `1e1`, `0x10`, ` 5`). */
export const PageQuery = z.object({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, { error: LIMIT_ERROR })
    .transform(Number)
    .pipe(z.int().min(1, { error: LIMIT_ERROR }).max(MAX_PAGE_SIZE, { error: LIMIT_ERROR }))
    .default(DEFAULT_PAGE_SIZE)
    .openapi({
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
      description: 'Page size.',
    }),
  cursor: z
    .string()
    .max(512, { error: 'is not a cursor from this API' })
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page; opaque.' }),
});

// Responses

export const CustomerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    balance: Money,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Customer');

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: Money,
    stock: Count,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Product');

const FailureReasonSchema = z.enum(FAILURE_REASONS).openapi('FailureReason', {
  description:
    'Why an order ended FAILED: INSUFFICIENT_STOCK (a product had too little stock), ' +
    'INSUFFICIENT_FUNDS (the balance was below the total), PROCESSING_ERROR (the order kept ' +
    'failing for a technical reason and was given up; nothing was applied).',
});

const Quantity = z.int().min(1).max(MAX_QUANTITY);
const Unpriced = z.null().openapi({ description: 'Null: nothing was charged.' });
const Priced = Money.openapi({ description: 'Minor units (cents), read when it completed.' });

function orderState<
  S extends OrderStatus,
  P extends z.ZodType,
  T extends z.ZodType,
  F extends z.ZodType,
>(status: S, state: { unitPrice: P; total: T; failureReason: F }) {
  return z.object({
    id: z.string(),
    status: z.literal(status),
    customerId: z.string(),
    items: z.array(
      z.object({ productId: z.string(), quantity: Quantity, unitPrice: state.unitPrice }),
    ),
    total: state.total,
    failureReason: state.failureReason,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  });
}

/**
 * One shape per status, so that a generated client narrows on `status` (a COMPLETED order's
 * `total` is a number); the JSON of each is that of the contract's single order shape.
 */
const ORDER_STATES = {
  PENDING: orderState('PENDING', {
    unitPrice: Unpriced,
    total: Unpriced,
    failureReason: z.null(),
  }).openapi('PendingOrder', { description: 'Accepted; a worker has yet to settle it.' }),
  COMPLETED: orderState('COMPLETED', {
    unitPrice: Priced,
    total: Priced.openapi({ description: 'Σ quantity × unitPrice, debited from the balance.' }),
    failureReason: z.null(),
  }).openapi('CompletedOrder', {
    description: 'Stock decremented and the total debited, all at once.',
  }),
  FAILED: orderState('FAILED', {
    unitPrice: Unpriced,
    total: Unpriced,
    failureReason: FailureReasonSchema,
  }).openapi('FailedOrder', { description: 'Refused by the worker; nothing was applied.' }),
  CANCELLED: orderState('CANCELLED', {
    unitPrice: Priced.nullable(),
    total: Priced.nullable().openapi({
      description: 'The total refunded when the order had completed; null when it had not.',
    }),
    failureReason: z.null(),
  }).openapi('CancelledOrder', {
    description: 'Cancelled: nothing applied, or, if it had completed, stock and total restored.',
  }),
} satisfies Record<OrderStatus, z.ZodObject>;

export const OrderSchema = z
  .discriminatedUnion('status', [
    ORDER_STATES.PENDING,
    ORDER_STATES.COMPLETED,
    ORDER_STATES.FAILED,
    ORDER_STATES.CANCELLED,
  ])
  .openapi('Order', {
    description:
      'Its `status` moves PENDING → COMPLETED | FAILED, and PENDING | COMPLETED → CANCELLED.',
  });

function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    })
    .openapi(name);
}

export const CustomerOrdersPage = pageOf(OrderSchema, 'OrderPage');
export const ProductPage = pageOf(ProductSchema, 'ProductPage');

export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

const DependencyStatusSchema = z
  .object({ name: z.string(), status: z.enum(['ok', 'down']) })
  .openapi('DependencyStatus');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).openapi({
      description:
        '`degraded`: an optional dependency (the cache) does not answer; the service still serves.',
    }),
    dependencies: z.array(DependencyStatusSchema),
  })
  .openapi('Readiness');

export const MetricsSchema = z.string().openapi('Metrics', {
  description: 'Prometheus text exposition format 0.0.4.',
});

const codeTable = [...ERROR_CODES, ...HTTP_ERROR_CODES]
  .map((code) => `- \`${code}\` (${PROBLEMS[code].status}): ${PROBLEMS[code].meaning}`)
  .join('\n');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      format: 'uri',
      description: `\`${PROBLEM_TYPE_BASE}\` followed by the code in kebab case.`,
    }),
    title: z.string(),
    status: z.int().min(400).max(599).openapi({ description: 'The HTTP status of the answer.' }),
    detail: z.string(),
    code: z
      .enum([...ERROR_CODES, ...HTTP_ERROR_CODES])
      .openapi('ErrorCode', { description: `Stable, machine-readable:\n${codeTable}` }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Each offending field, e.g. `items.0.quantity`.' }),
  })
  .openapi('Problem', { description: 'An RFC 9457 problem document.' });

export const NotReadySchema = ProblemSchema.extend({
  dependencies: z.array(DependencyStatusSchema),
}).openapi('NotReady');
