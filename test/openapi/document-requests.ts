import fc from 'fast-check';
import { validatorAt } from '../support/document-schemas';
import { resolveAt, type DocumentedOperation, type Parameter } from '../support/openapi-document';
import { adminToken } from '../support/tokens';
import { invalid, valid, type Vocabulary } from './document-arbitraries';

/**
 * Requests to one operation of the document, made from its parameters and body schemas: valid
 * ones, and ones with exactly one defect (a parameter, the body, its media type, its JSON, the
 * credentials), each labelled with what the document refuses about it.
 */

/** What HTTP carries in a header value: visible ASCII and spaces. */
const HEADER_UNIT = fc.constantFrom(
  ...Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)),
);

export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: { type: string; text: string };
  /** Whether the document accepts the request; if not, what about it it refuses. */
  refused: string | null;
}

export interface Fixtures {
  ids: Record<'customers' | 'products' | 'orders', string[]>;
  customerId: string;
  /** Cursors are opaque: the only valid ones are those the service handed out. */
  cursors: string[];
}

function parametersOf({ operation, path, method }: DocumentedOperation): Parameter[] {
  return (operation.parameters ?? []).map(
    (_, i) =>
      resolveAt<Parameter>(['paths', path, method, 'parameters', String(i)]).node as Parameter,
  );
}

function parameterAt(op: DocumentedOperation, parameter: Parameter): string[] {
  const index = parametersOf(op).indexOf(parameter);
  const { at } = resolveAt<Parameter>(['paths', op.path, op.method, 'parameters', String(index)]);
  return [...at, 'schema'];
}

/** Stored ids of the kind a name (or, for a path's `id`, the path) says. */
function idsFor(fixtures: Fixtures, path: string) {
  return (name: string): fc.Arbitrary<string> => {
    if (name === 'customerId') return fc.constantFrom(...fixtures.ids.customers);
    if (name === 'productId') return fc.constantFrom(...fixtures.ids.products);
    const kind = (/^\/(customers|products|orders)\//.exec(path)?.[1] ?? 'orders') as
      'customers' | 'products' | 'orders';
    return fc.constantFrom(...fixtures.ids[kind]);
  };
}

const vocabulary = (
  fixtures: Fixtures,
  op: DocumentedOperation,
  unit: Vocabulary['unit'],
): Vocabulary => ({ ids: idsFor(fixtures, op.path), unit });

/** Whose values only the service can make: cursors are opaque. */
function isOpaque(parameter: Parameter): boolean {
  return parameter.name === 'cursor';
}

/**
 * A parameter's text as the service reads it: a header's field value without the whitespace
 * around it (RFC 9110, 5.5), and digits where the schema wants a number.
 */
function asDeclared(text: string, parameter: Parameter, schema: { type?: unknown }): unknown {
  const value = parameter.in === 'header' ? text.replace(/^[ \t]+|[ \t]+$/g, '') : text;
  if (schema.type === 'integer') return /^-?\d+$/.test(value) ? Number(value) : value;
  return value;
}

/** A parameter's values as text, as they travel, judged as the service reads them. */
function parameterValues(
  op: DocumentedOperation,
  parameter: Parameter,
  fixtures: Fixtures,
  broken: boolean,
): fc.Arbitrary<string> {
  const at = parameterAt(op, parameter);
  const words = vocabulary(fixtures, op, parameter.in === 'header' ? HEADER_UNIT : 'binary');
  const values = broken ? invalid(at, words) : valid(at, words, parameter.name);
  const accepts = validatorAt(at);
  const schema = resolveAt<{ type?: unknown }>(at).node;
  return values
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .filter((text) => accepts(asDeclared(text, parameter, schema)) !== broken);
}

/** Whether any text breaks the parameter: not so for a plain string. */
function breakable(op: DocumentedOperation, parameter: Parameter): boolean {
  const schema = resolveAt<Record<string, unknown>>(parameterAt(op, parameter)).node;
  const plainString =
    schema.type === 'string' &&
    !['minLength', 'maxLength', 'pattern', 'enum'].some((keyword) => keyword in schema);
  return parameter.in !== 'path' && !isOpaque(parameter) && !plainString;
}

export function requestsTo(op: DocumentedOperation, fixtures: Fixtures): fc.Arbitrary<Sent> {
  const parameters = parametersOf(op);
  const breakables = parameters.filter((parameter) => breakable(op, parameter));
  const bodyAt = ['paths', op.path, op.method, 'requestBody', 'content', 'application/json'];
  const secured = (op.operation.security ?? [{}]).some((scheme) => Object.keys(scheme).length > 0);
  const defects = [
    'none',
    ...breakables.map((p) => `parameter ${p.name}`),
    ...(op.operation.requestBody ? ['body', 'media type', 'JSON'] : []),
    ...(secured ? ['credentials'] : []),
  ];
  return fc.constantFrom(...defects).chain((defect) => {
    const parts = parameters.map((parameter) => {
      const value = isOpaque(parameter)
        ? fc.constantFrom(...fixtures.cursors)
        : parameterValues(op, parameter, fixtures, defect === `parameter ${parameter.name}`);
      const wanted = parameter.required || defect === `parameter ${parameter.name}`;
      return wanted ? value : fc.option(value, { nil: undefined });
    });
    const body = op.operation.requestBody
      ? defect === 'body'
        ? invalid([...bodyAt, 'schema'], vocabulary(fixtures, op, 'binary'))
        : valid([...bodyAt, 'schema'], vocabulary(fixtures, op, 'binary'))
      : fc.constant(undefined);
    return fc.tuple(fc.tuple(...parts), body).map(([values, content]): Sent => {
      let path = op.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      parameters.forEach((parameter, i) => {
        const value = values[i];
        if (value === undefined) return;
        if (parameter.in === 'path') {
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
        }
        if (parameter.in === 'query') query.append(parameter.name, value);
        if (parameter.in === 'header') headers[parameter.name] = value;
      });
      if (secured && defect !== 'credentials') headers.Authorization = `Bearer ${adminToken()}`;
      const sent: Sent = {
        method: op.method.toUpperCase(),
        url: query.size > 0 ? `${path}?${query}` : path,
        headers,
        refused: defect === 'none' ? null : defect,
      };
      if (content !== undefined) {
        // The description's rule: an admin names the customer it orders for.
        const named =
          op.operation.operationId === 'placeOrder' && defect !== 'body'
            ? { customerId: fixtures.customerId, ...(content as object) }
            : content;
        const text = JSON.stringify(named);
        sent.body =
          defect === 'media type'
            ? { type: 'text/plain', text }
            : { type: 'application/json', text: defect === 'JSON' ? `${text}}` : text };
      }
      return sent;
    });
  });
}
