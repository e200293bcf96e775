import type { Context, Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger';
import { DomainError, type ErrorDetail } from '../../../domain/shared/domain-error';
import type { ErrorCode } from '../../../domain/shared/error-codes';
import { requestIdOf } from './request-id';

/** Codes only the HTTP layer can produce: they describe the request, not the domain. */
export const HTTP_ERROR_CODES = [
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'MALFORMED_REQUEST',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'SHUTTING_DOWN',
  'INTERNAL_ERROR',
] as const;

export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];
export type ProblemCode = ErrorCode | HttpErrorCode;

export interface ProblemKind {
  status: number;
  title: string;
  /** When it happens; published in the OpenAPI document. */
  meaning: string;
  /** Seconds a client should wait before retrying; sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

/**
 * The one table from error code to HTTP status. Typed over every code, so a new domain code
 * without a status does not compile.
 */
export const PROBLEMS: Record<ProblemCode, ProblemKind> = {
  VALIDATION_FAILED: {
    status: 422,
    title: 'Validation failed',
    meaning: 'The body, query or a header breaks the schema; `errors` names each offending path.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    meaning: 'The resource named in the URL does not exist.',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    meaning: "The caller's role may not do this (a customer acting for another, or as an admin).",
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Unauthenticated',
    meaning:
      'No bearer token, or one that is malformed, expired, wrongly signed or names an unknown role; ' +
      '`WWW-Authenticate` says which.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Rate limited',
    meaning:
      "The caller's request budget is spent; retry after `Retry-After` seconds. " +
      '`RateLimit-Policy` and `RateLimit` describe the budget.',
    retryAfterSeconds: 1,
  },
  UNKNOWN_CUSTOMER: {
    status: 422,
    title: 'Unknown customer',
    meaning: 'The body names a customer that does not exist.',
  },
  UNKNOWN_PRODUCT: {
    status: 422,
    title: 'Unknown product',
    meaning: 'The body names products that do not exist; `errors` names each one.',
  },
  EMAIL_TAKEN: {
    status: 409,
    title: 'Email taken',
    meaning: 'Another customer already uses this email.',
  },
  ORDER_NOT_CANCELLABLE: {
    status: 409,
    title: 'Order not cancellable',
    meaning: 'The order is already FAILED or CANCELLED.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused',
    meaning: 'The Idempotency-Key was used before by this customer with a different body.',
  },
  AMOUNT_TOO_LARGE: {
    status: 422,
    title: 'Amount too large',
    meaning: 'The resulting amount would exceed the largest supported integer (2^53 - 1).',
  },
  CONCURRENCY_CONFLICT: {
    status: 503,
    title: 'Concurrency conflict',
    meaning: 'The request collided with concurrent work; retry it after `Retry-After` seconds.',
    retryAfterSeconds: 1,
  },
  SHUTTING_DOWN: {
    status: 503,
    title: 'Shutting down',
    meaning:
      'This process is draining before it stops (at /ready): a load balancer sends new requests ' +
      'to another; it still answers those it is sent meanwhile.',
    retryAfterSeconds: 1,
  },
  DEPENDENCY_UNAVAILABLE: {
    status: 503,
    title: 'Dependency unavailable',
    meaning: 'A dependency (database, cache, queue) does not answer; retry later.',
    retryAfterSeconds: 5,
  },
  BACKLOG_FULL: {
    status: 503,
    title: 'Backlog full',
    meaning: 'Too many orders wait to be processed; retry after `Retry-After` seconds.',
    retryAfterSeconds: 2,
  },
  OVERLOADED: {
    status: 503,
    title: 'Overloaded',
    meaning:
      'The process is at one of its bounds (requests in flight, request bodies being read, ' +
      'database pool waiters, jobs waiting for the broker); nothing was done; retry after ' +
      '`Retry-After` seconds.',
    retryAfterSeconds: 1,
  },
  MALFORMED_REQUEST: {
    status: 400,
    title: 'Malformed request',
    meaning: 'The request is not valid HTTP/1.1 (a bad header character, conflicting framing).',
  },
  MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON',
    meaning: 'The body is not a JSON object or array.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 400,
    title: 'Unsupported media type',
    meaning: 'The body is not sent as `application/json` (or in an unsupported charset/encoding).',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    meaning: "The body is larger than 1 MiB (or a chunked body's chunk extensions are too large).",
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request header fields too large',
    meaning: 'The request line and headers together are larger than the server accepts (16 KiB).',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    meaning: 'The request was not received in full in time.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    title: 'Route not found',
    meaning: 'No route answers this path.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    meaning: 'The path exists but not with this method; `Allow` lists the methods it takes.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal server error',
    meaning: 'An unexpected error; it is logged under the response `X-Request-Id`.',
  },
};

export const PROBLEM_TYPE_BASE = 'https://docs.order-service.dev/problems/';

export function problemType(code: ProblemCode): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-');
}

/** An HTTP-layer failure; its message is written for the client. */
export class HttpProblem extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: ErrorDetail[];
}

export function problemDocument(
  code: ProblemCode,
  detail: string,
  errors: readonly ErrorDetail[] = [],
): ProblemDocument {
  const { status, title } = PROBLEMS[code];
  const document: ProblemDocument = { type: problemType(code), title, status, detail, code };
  if (errors.length > 0) document.errors = errors.map(({ path, message }) => ({ path, message }));
  return document;
}

/** Writes an RFC 9457 problem; extra members (like a readiness report) ride along. */
export function sendProblem<T extends ProblemDocument>(ctx: Context, problem: T): void {
  const retryAfter = PROBLEMS[problem.code].retryAfterSeconds;
  ctx.status = problem.status;
  if (retryAfter !== undefined) ctx.set('Retry-After', String(retryAfter));
  ctx.type = 'application/problem+json';
  ctx.body = problem;
}

const GENERIC_DETAIL =
  'An unexpected error occurred. Quote the X-Request-Id response header when reporting it.';

/** Kept on a problem response: they describe the request, not what the handler answered. */
const KEPT_HEADERS = new Set(['x-request-id', 'cache-control', 'ratelimit', 'ratelimit-policy']);

/** Headers a failed handler may have set (Location, …) must not describe the problem response. */
function resetHeaders(ctx: Context): void {
  for (const name of Object.keys(ctx.response.headers)) {
    if (!KEPT_HEADERS.has(name.toLowerCase())) ctx.remove(name);
  }
}

/**
 * The only place errors become responses. Domain and HTTP-layer errors carry messages written
 * for clients; anything else is a bug: logged once with the request id, answered generically.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const requestId = requestIdOf(ctx);
      if (ctx.headerSent) {
        logger.error('request failed after its response started', {
          requestId,
          error: describe(error),
        });
        return;
      }
      resetHeaders(ctx);
      if (error instanceof DomainError) {
        if (PROBLEMS[error.code].status >= 500) {
          logger.warn('request answered 5xx', {
            requestId,
            code: error.code,
            detail: error.message,
          });
        }
        sendProblem(ctx, problemDocument(error.code, error.message, error.details));
        return;
      }
      if (error instanceof HttpProblem) {
        sendProblem(ctx, problemDocument(error.code, error.message));
        for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
        return;
      }
      logger.error('unexpected error while serving a request', {
        requestId,
        method: ctx.method,
        path: ctx.path,
        error: describe(error),
      });
      sendProblem(ctx, problemDocument('INTERNAL_ERROR', GENERIC_DETAIL));
    }
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
