import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The checked-in OpenAPI document, docs/openapi.json: what clients generate their code from.
 * test/openapi/generated-files.test.ts proves it is exactly what the service serves, so every
 * check that reads it reads the service's own description.
 */

export const DOCUMENT_FILE = join(__dirname, '../../docs/openapi.json');

/** The parts of OpenAPI 3.1 the checks read; everything else passes through untyped. */
export interface Ref {
  $ref: string;
}

export interface Schema {
  [keyword: string]: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Header {
  required?: boolean;
  schema?: Schema;
}

export interface MediaType {
  schema?: Schema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Ref>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response | Ref>;
}

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

export interface OpenApi {
  openapi: string;
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, PathItem>;
  components: Record<string, Record<string, unknown>>;
}

export function documentText(): string {
  return readFileSync(DOCUMENT_FILE, 'utf8');
}

let loaded: OpenApi | undefined;

export function openApi(): OpenApi {
  loaded ??= JSON.parse(documentText()) as OpenApi;
  return loaded;
}

/** A JSON pointer's segments, escaped as RFC 6901 says. */
export function pointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function at(segments: readonly string[]): unknown {
  return segments.reduce<unknown>(
    (node, segment) => (node as Record<string, unknown> | undefined)?.[segment],
    openApi(),
  );
}

/** Follows `$ref`s from the node at `segments`; says where the node it lands on is. */
export function resolveAt<T>(segments: readonly string[]): { node: T; at: string[] } {
  let where = [...segments];
  let node = at(where);
  for (let hops = 0; node && typeof node === 'object' && '$ref' in node; hops += 1) {
    const target = (node as Ref).$ref;
    if (!target.startsWith('#/') || hops > 20) throw new Error(`unresolvable $ref ${target}`);
    where = target
      .slice(2)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    node = at(where);
  }
  if (node === undefined) throw new Error(`nothing at ${pointer(segments)}`);
  return { node: node as T, at: where };
}

export interface PathMatch {
  template: string;
  item: PathItem;
  params: Record<string, string>;
}

const matchers = new Map<string, RegExp>();

function matcher(template: string): RegExp {
  let regex = matchers.get(template);
  if (!regex) {
    const source = template
      .split(/(\{\w+\})/)
      .map((part) =>
        /^\{\w+\}$/.test(part)
          ? `(?<${part.slice(1, -1)}>[^/]+)`
          : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('');
    // Koa's router ignores case and one trailing slash.
    regex = new RegExp(`^${source}/?$`, 'i');
    matchers.set(template, regex);
  }
  return regex;
}

/** The document's path that a request path (without its query) falls under, if any. */
export function matchPath(path: string): PathMatch | null {
  // A literal path wins over a template, as in the router.
  const templates = Object.keys(openApi().paths).sort(
    (a, b) => (a.includes('{') ? 1 : 0) - (b.includes('{') ? 1 : 0),
  );
  for (const template of templates) {
    const found = matcher(template).exec(path);
    if (found) {
      return { template, item: openApi().paths[template] as PathItem, params: { ...found.groups } };
    }
  }
  return null;
}

export interface DocumentedOperation {
  method: string;
  path: string;
  operation: Operation;
}

export function operations(): DocumentedOperation[] {
  return Object.entries(openApi().paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
}
