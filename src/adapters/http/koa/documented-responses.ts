import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { ACCESS, OPERATIONS, type Operation } from '../../../application/access/access-policy';
import type { ErrorCode } from '../../../domain/shared/error-codes';
import type { Access } from './access-guard';
import { PROBLEMS, type ProblemCode } from './error-middleware';
import { ProblemSchema } from './schemas';
import type { z } from './zod';

/**
 * What the document says of every operation besides its own success answers: the problems its
 * schemas and access imply, those any request can meet, and the headers every answer carries.
 * Declared here once, so that no route can forget them.
 */

/** What any use case touching the store or the queue may answer besides its own errors. */
export const STORE_ERRORS: readonly ErrorCode[] = [
  'DEPENDENCY_UNAVAILABLE',
  'CONCURRENCY_CONFLICT',
  'OVERLOADED',
];

/**
 * Refusals of Node's HTTP parser and of the slow-client timeouts: they can meet any request,
 * before a route is known (PAYLOAD_TOO_LARGE here is a chunked body's oversized extensions).
 */
const TRANSPORT_ERRORS: readonly ProblemCode[] = [
  'MALFORMED_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
];

export const BEARER_SCHEME = 'bearerAuth';

const REQUEST_ID = 'X-Request-Id';
const RATE_LIMIT = 'RateLimit';
const RATE_LIMIT_POLICY = 'RateLimit-Policy';

const ref = (kind: 'headers' | 'parameters', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

const RATE_LIMIT_FIELDS = {
  [RATE_LIMIT_POLICY]: {
    description:
      'The caller\'s budget, for rate-limited callers: `"customer";q=100;w=1` is 100 requests ' +
      'a second.',
    schema: { type: 'string' as const },
  },
  [RATE_LIMIT]: {
    description: 'What is left of it: `"customer";r=0;t=1` is none, for 1 more second.',
    schema: { type: 'string' as const },
  },
};

export const RETRY_AFTER = {
  description: 'Seconds to wait before retrying.',
  required: true,
  schema: { type: 'integer' as const, minimum: 1 },
};

const WWW_AUTHENTICATE = {
  description: '`Bearer`, or `Bearer error="invalid_token"` when the token sent is not valid.',
  required: true,
  schema: { type: 'string' as const },
};

export const LOCATION = {
  description: 'The URL of the resource.',
  required: true,
  schema: { type: 'string' as const },
};

export function jsonContent(schema: z.ZodType): ResponseConfig['content'] {
  return { 'application/json': { schema } };
}

/** The components the operations refer to; registered once per registry. */
export function registerSharedComponents(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A JWT whose `role` claim is `admin` or `customer`; for a customer, `sub` is its id.',
  });
  registry.registerComponent('headers', REQUEST_ID, {
    description:
      "The request's id in the service's logs: the caller's own `X-Request-Id` when it is 1 to " +
      '128 of `A-Z a-z 0-9 . _ : -`, else a new one. Quote it when reporting a problem.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  });
  for (const [name, header] of Object.entries(RATE_LIMIT_FIELDS)) {
    registry.registerComponent('headers', name, header);
  }
  registry.registerComponent('parameters', 'RequestId', {
    name: REQUEST_ID,
    in: 'header',
    required: false,
    description: 'An id of your own for this request, echoed back and logged (see the header).',
    schema: { type: 'string' },
  });
}

/** Every operation takes the caller's request id. */
export const COMMON_PARAMETERS = [ref('parameters', 'RequestId')];

export const isOperation = (access: Access): access is Operation =>
  (OPERATIONS as readonly string[]).includes(access);

/** A response whose headers are written as OpenAPI header objects. */
export type DocumentedResponse = Omit<ResponseConfig, 'headers'> & {
  headers?: Exclude<ResponseConfig['headers'], z.ZodObject | undefined>;
};

/** What the document needs to know of an endpoint to derive its problem responses. */
export interface DescribedEndpoint {
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  errors?: readonly ProblemCode[];
  responses: Record<number, DocumentedResponse>;
}

function impliedCodes(spec: DescribedEndpoint): ProblemCode[] {
  const codes: ProblemCode[] = [...(spec.errors ?? []), ...TRANSPORT_ERRORS, 'INTERNAL_ERROR'];
  if (spec.access !== 'system') codes.push('RATE_LIMITED', 'OVERLOADED');
  if (isOperation(spec.access)) {
    codes.push('UNAUTHENTICATED');
    if (Object.values(ACCESS[spec.access]).includes('none')) codes.push('FORBIDDEN');
  }
  if (spec.params) codes.push('NOT_FOUND');
  if (spec.query || spec.headers || spec.body) codes.push('VALIDATION_FAILED');
  if (spec.body) codes.push('MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE');
  return [...new Set(codes)];
}

function problemResponses(codes: readonly ProblemCode[]): Record<number, DocumentedResponse> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEMS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, DocumentedResponse> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retries = group.some((code) => PROBLEMS[code].retryAfterSeconds !== undefined);
    const limited = group.includes('RATE_LIMITED');
    responses[status] = {
      description: group.map((code) => `${code}: ${PROBLEMS[code].meaning}`).join(' · '),
      headers: {
        ...(retries ? { 'Retry-After': RETRY_AFTER } : {}),
        ...(limited
          ? {
              [RATE_LIMIT_POLICY]: { ...RATE_LIMIT_FIELDS[RATE_LIMIT_POLICY], required: true },
              [RATE_LIMIT]: { ...RATE_LIMIT_FIELDS[RATE_LIMIT], required: true },
            }
          : {}),
        ...(group.includes('UNAUTHENTICATED') ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {}),
      },
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}

/**
 * Every response of the operation: its own, and the problems it implies, each with the headers
 * every answer carries (the request id; the rate-limit fields where a budget applies).
 */
export function describedResponses(spec: DescribedEndpoint): Record<number, DocumentedResponse> {
  const common = {
    [REQUEST_ID]: ref('headers', REQUEST_ID),
    ...(spec.access === 'system'
      ? {}
      : {
          [RATE_LIMIT_POLICY]: ref('headers', RATE_LIMIT_POLICY),
          [RATE_LIMIT]: ref('headers', RATE_LIMIT),
        }),
  };
  const responses = { ...problemResponses(impliedCodes(spec)), ...spec.responses };
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...common, ...response.headers } },
    ]),
  );
}
