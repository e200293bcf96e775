import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import Router, { type RouterContext } from '@koa/router';
import {
  DomainError,
  ValidationError,
  type ErrorDetail,
} from '../../../domain/shared/domain-error';
import type { Access, AccessGuard, CallerOf } from './access-guard';
import {
  BEARER_SCHEME,
  COMMON_PARAMETERS,
  describedResponses,
  isOperation,
  registerSharedComponents,
  type DocumentedResponse,
} from './documented-responses';
import type { ProblemCode } from './error-middleware';
import { jsonBody, requestBody } from './json-body';
import type { z } from './zod';

type EmptyObject = z.ZodObject<Record<never, never>>;

export interface EndpointInput<P, Q, H, B, C = null> {
  caller: C;
  params: P;
  query: Q;
  headers: H;
  body: B;
}

export interface Endpoint<
  P extends z.ZodObject,
  Q extends z.ZodObject,
  H extends z.ZodObject,
  B extends z.ZodType,
  A extends Access = Access,
> {
  method: 'get' | 'post' | 'patch';
  /** Who may call it (see AccessGuard); an operation of the access policy needs a token. */
  access: A;
  /** OpenAPI template: `/customers/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  headers?: H;
  body?: B;
  /** The successful responses; problem responses are derived from the schemas and `errors`. */
  responses: Record<number, DocumentedResponse>;
  /** Codes the use case can throw, beyond those the request schemas imply. */
  errors?: readonly ProblemCode[];
  handle(
    input: EndpointInput<z.output<P>, z.output<Q>, z.output<H>, z.output<B>, CallerOf<A>>,
    ctx: RouterContext,
  ): Promise<void>;
}

/**
 * Routes and their documentation, declared once: each endpoint both registers its OpenAPI path
 * and mounts a handler that validates with the same schemas before calling `handle`.
 */
export class HttpApi {
  readonly router = new Router();
  readonly registry = new OpenAPIRegistry();
  private readonly readBody: ReturnType<typeof jsonBody>;

  constructor(
    private readonly guard: AccessGuard,
    bodyLimit: string,
  ) {
    this.readBody = jsonBody(bodyLimit);
    registerSharedComponents(this.registry);
  }

  endpoint<
    P extends z.ZodObject = EmptyObject,
    Q extends z.ZodObject = EmptyObject,
    H extends z.ZodObject = EmptyObject,
    B extends z.ZodType = z.ZodUndefined,
    A extends Access = Access,
  >(spec: Endpoint<P, Q, H, B, A>): void {
    this.registry.registerPath({
      method: spec.method,
      path: spec.path,
      operationId: spec.operationId,
      summary: spec.summary,
      description: spec.description,
      tags: [spec.tag],
      security: isOperation(spec.access) ? [{ [BEARER_SCHEME]: [] }] : [],
      parameters: COMMON_PARAMETERS,
      request: {
        params: spec.params,
        query: spec.query,
        headers: spec.headers,
        body: spec.body && {
          required: true,
          content: { 'application/json': { schema: spec.body } },
        },
      },
      responses: describedResponses(spec),
    });
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](koaPath, async (ctx) => {
      if (spec.access === 'public' && spec.method === 'get' && this.guard.mayReadAhead(ctx)) {
        await readWhileAdmitting(this.guard.admit(ctx, spec.access), async () =>
          spec.handle({ ...parseRequest(spec, ctx), caller: null as CallerOf<A> }, ctx),
        );
        return;
      }
      const caller = await this.guard.admit(ctx, spec.access);
      if (spec.body) await this.readBody(ctx, async () => undefined);
      await spec.handle({ ...parseRequest(spec, ctx), caller }, ctx);
    });
  }
}

/**
 * A public read changes nothing, so it need not wait for its rate-limit verdict: both go out at
 * once and the answer waits for the slower. A refusal wins over whatever the read found.
 */
async function readWhileAdmitting(admission: Promise<unknown>, read: () => Promise<void>) {
  const [admitted, answered] = await Promise.allSettled([admission, read()]);
  if (admitted.status === 'rejected') throw admitted.reason;
  if (answered.status === 'rejected') throw answered.reason;
}

type ParsedRequest<P extends z.ZodObject, Q extends z.ZodObject, H extends z.ZodObject, B> = Omit<
  EndpointInput<z.output<P>, z.output<Q>, z.output<H>, z.output<B>>,
  'caller'
>;

function parseRequest<
  P extends z.ZodObject,
  Q extends z.ZodObject,
  H extends z.ZodObject,
  B extends z.ZodType,
  A extends Access,
>(spec: Endpoint<P, Q, H, B, A>, ctx: RouterContext): ParsedRequest<P, Q, H, B> {
  const params = spec.params?.safeParse(ctx.params);
  if (params && !params.success) {
    throw new DomainError('NOT_FOUND', 'Nothing exists at this URL');
  }
  const problems: ErrorDetail[] = [];
  const check = <T>(schema: z.ZodType<T> | undefined, value: unknown): T | undefined => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(...detailsOf(result.error));
    return undefined;
  };
  const query = check(spec.query, ctx.query);
  const headers = check(spec.headers, spec.headers && pickHeaders(spec.headers, ctx));
  const body = check(spec.body, spec.body && requestBody(ctx));
  if (problems.length > 0) throw new ValidationError('The request is invalid', problems);
  return {
    params: params?.data ?? {},
    query: query ?? {},
    headers: headers ?? {},
    body,
  } as ParsedRequest<P, Q, H, B>;
}

/** Header names are case-insensitive; the schema spells them as documented. */
function pickHeaders(schema: z.ZodObject, ctx: RouterContext): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, ctx.headers[name.toLowerCase()]]),
  );
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function detailsOf(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: joinPath([...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    if (issue.path.length === 0 && issue.code === 'invalid_type') {
      return [{ path: '', message: 'must be a JSON object' }];
    }
    return [{ path: joinPath(issue.path), message: issue.message }];
  });
}
