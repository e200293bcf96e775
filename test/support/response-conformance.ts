import { schemaErrors } from './document-schemas';
import {
  matchPath,
  METHODS,
  resolveAt,
  type Header,
  type Operation,
  type Response,
} from './openapi-document';

/**
 * Whether an answer of the service is one that docs/openapi.json describes: its status is
 * declared for the operation, its content type is declared for that status, and its body and
 * headers validate against the declared schemas (with Ajv, a JSON Schema 2020-12 validator, as
 * OpenAPI 3.1 prescribes). Answers to requests the document does not cover are held to what its
 * description promises for them: a problem document with one of the codes that any request can
 * meet.
 */

export interface Exchange {
  /** The request, or null when the server could not parse one (it answered a refusal). */
  request: { method: string; url: string } | null;
  status: number;
  /** Header names in any case; values as Node gives them. */
  headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The body's bytes, or null when they were not kept (too large to check). */
  body: Buffer | null;
}

/** Served beside the API and not part of it (the document itself and its viewer). */
const OUTSIDE_THE_API = /^\/(openapi\.json\/?|docs(\/.*)?)$/i;

/** Refusals any request can meet, before or without a route (see the document's description). */
const ANY_REQUEST = [
  'MALFORMED_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'RATE_LIMITED',
  'OVERLOADED',
  'INTERNAL_ERROR',
];

/** Headers with a meaning in this API: where one is sent, the document must declare it. */
const MEANINGFUL_HEADERS = [
  'location',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'www-authenticate',
  'idempotent-replayed',
  'x-request-id',
];

function headerValue(exchange: Exchange, name: string): string | undefined {
  const key = Object.keys(exchange.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : exchange.headers[key];
  return value === undefined ? undefined : String(value);
}

function mediaType(exchange: Exchange): string {
  return (headerValue(exchange, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Header values are text; a header declared as an integer is checked as the number it spells. */
function headerAsDeclared(value: string, schema: Record<string, unknown> | undefined): unknown {
  const numeric = schema?.type === 'integer' || schema?.type === 'number';
  return numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function jsonBody(exchange: Exchange): { value: unknown } | { error: string } | null {
  if (exchange.body === null) return null;
  try {
    return { value: JSON.parse(exchange.body.toString('utf8')) as unknown };
  } catch {
    return { error: `a body that is not JSON: ${exchange.body.toString('utf8').slice(0, 200)}` };
  }
}

function checkResponse(
  exchange: Exchange,
  responseAt: string[],
  noBody: boolean,
  problems: string[],
): void {
  const { node: response, at } = resolveAt<Response>(responseAt);
  const type = mediaType(exchange);
  if (response.content && !noBody) {
    if (!(type in response.content)) {
      problems.push(`content type "${type}" is not declared (${Object.keys(response.content)})`);
    } else if (response.content[type]?.schema) {
      // A text answer (the /metrics exposition) is checked as the string it is.
      const body = /[/+]json$/.test(type)
        ? jsonBody(exchange)
        : exchange.body && { value: exchange.body.toString('utf8') };
      if (body && 'error' in body) problems.push(body.error);
      else if (body) {
        const errors = schemaErrors([...at, 'content', type, 'schema'], body.value);
        if (errors) problems.push(`the body does not match its schema: ${errors}`);
        const status = (body.value as { status?: unknown } | null)?.status;
        if (type === 'application/problem+json' && status !== exchange.status) {
          problems.push(`a problem whose status ${String(status)} is not the answer's`);
        }
      }
    }
  } else if (!noBody && exchange.body && exchange.body.length > 0) {
    problems.push('a body where the document declares none');
  }
  const declared = new Set<string>();
  for (const name of Object.keys(response.headers ?? {})) {
    declared.add(name.toLowerCase());
    const { node: header, at: headerAt } = resolveAt<Header>([...at, 'headers', name]);
    const value = headerValue(exchange, name);
    if (value === undefined) {
      if (header.required) problems.push(`the required header ${name} is missing`);
      continue;
    }
    if (!header.schema) continue;
    const errors = schemaErrors(
      [...headerAt, 'schema'],
      headerAsDeclared(value, header.schema as Record<string, unknown>),
    );
    if (errors) problems.push(`header ${name}: "${value}" does not match its schema: ${errors}`);
  }
  for (const name of MEANINGFUL_HEADERS) {
    if (!declared.has(name) && headerValue(exchange, name) !== undefined) {
      problems.push(`header ${name} is sent but not declared for this response`);
    }
  }
}

/** A problem answer outside any operation: checked against the Problem schema and `codes`. */
function checkRefusal(
  exchange: Exchange,
  codes: readonly string[],
  noBody: boolean,
  problems: string[],
): void {
  if (mediaType(exchange) !== 'application/problem+json') {
    problems.push(`a ${exchange.status} outside the document that is not a problem document`);
    return;
  }
  if (headerValue(exchange, 'x-request-id') === undefined) problems.push('no X-Request-Id');
  const body = noBody ? null : jsonBody(exchange);
  if (!body) return;
  if ('error' in body) {
    problems.push(body.error);
    return;
  }
  const errors = schemaErrors(['components', 'schemas', 'Problem'], body.value);
  if (errors) problems.push(`the problem does not match the Problem schema: ${errors}`);
  const { code, status } = body.value as { code?: unknown; status?: unknown };
  if (!codes.includes(String(code))) {
    problems.push(`code ${String(code)} is not one of ${codes.join(', ')}`);
  }
  if (status !== exchange.status) problems.push(`a problem whose status is not the answer's`);
}

function allowed(item: Record<string, unknown>): string[] {
  const methods = METHODS.filter((method) => method in item).map((m) => m.toUpperCase());
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}

function sameMethods(header: string | undefined, expected: readonly string[]): boolean {
  const sent = (header ?? '').split(',').map((m) => m.trim().toUpperCase());
  return [...new Set(sent)].sort().join() === [...new Set(expected)].sort().join();
}

/** Everything in `exchange` that the document does not describe; empty when it conforms. */
export function responseViolations(exchange: Exchange): string[] {
  const problems: string[] = [];
  const { request, status } = exchange;
  if (!request) {
    checkRefusal(exchange, ANY_REQUEST, false, problems);
    return problems;
  }
  // As the router sees it: no dot segments resolved, no escapes decoded, no absolute form.
  const path = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  const method = request.method.toLowerCase();
  const noBody = method === 'head' || status === 204 || status === 304;
  const match = matchPath(path);
  const operationMethod = method === 'head' && match?.item.get ? 'get' : method;
  const operation: Operation | undefined = match?.item[operationMethod];
  if (!match || !operation) {
    if (OUTSIDE_THE_API.test(path) && status < 400) return problems;
    if (match && method === 'options' && status === 204) {
      if (!sameMethods(headerValue(exchange, 'allow'), allowed(match.item))) {
        problems.push(`Allow "${headerValue(exchange, 'allow')}" is not what the path takes`);
      }
      return problems;
    }
    const refusals = OUTSIDE_THE_API.test(path)
      ? ['METHOD_NOT_ALLOWED', 'ROUTE_NOT_FOUND']
      : [match ? 'METHOD_NOT_ALLOWED' : 'ROUTE_NOT_FOUND'];
    checkRefusal(exchange, [...refusals, ...ANY_REQUEST], noBody, problems);
    if (
      match &&
      status === 405 &&
      !sameMethods(headerValue(exchange, 'allow'), allowed(match.item))
    ) {
      problems.push(`Allow "${headerValue(exchange, 'allow')}" is not what the path takes`);
    }
    return problems;
  }
  const responses = operation.responses;
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
  if (!key) {
    problems.push(`${status} is not a declared response (${Object.keys(responses).join(', ')})`);
    return problems;
  }
  checkResponse(
    exchange,
    ['paths', match.template, operationMethod, 'responses', key],
    noBody,
    problems,
  );
  return problems;
}

export function describeExchange(exchange: Exchange): string {
  const request = exchange.request
    ? `${exchange.request.method} ${exchange.request.url}`
    : '(an unparsable request)';
  const body = exchange.body?.toString('utf8').slice(0, 300) ?? '(not kept)';
  return `${request} → ${exchange.status} ${body}`;
}

/** Throws, naming each difference, unless the document describes the answer. */
export function expectDescribed(exchange: Exchange): void {
  const problems = responseViolations(exchange);
  if (problems.length > 0) {
    throw new Error(
      `The OpenAPI document does not describe this answer:\n  ${describeExchange(exchange)}\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
}

/**
 * For a test that wrote the request's bytes itself: the answer must be described either as the
 * answer to the request its first line names or, when the server could not read that far, as a
 * refusal of an unparsable request.
 */
export function expectRawAnswerDescribed(
  request: Buffer | string,
  answer: Omit<Exchange, 'request'>,
): void {
  const [method = '', url = ''] = (request.toString('latin1').split(/\r?\n/)[0] ?? '').split(' ');
  if (responseViolations({ ...answer, request: { method, url } }).length === 0) return;
  expectDescribed({ ...answer, request: null });
}
