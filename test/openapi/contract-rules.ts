import type { Plugin } from '@redocly/openapi-core/lib/config';
import type { Oas3Rule } from '@redocly/openapi-core/lib/visitors';
import type { UserContext } from '@redocly/openapi-core/lib/walk';

/**
 * The conventions of docs/API.md that no general-purpose ruleset knows, as Redocly rules: each
 * visits the document as Redocly's own rules do and reports where the document breaks one.
 */

type Node = Record<string, unknown>;

const MONEY = new Set(['price', 'balance', 'amount', 'total', 'unitPrice']);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const isId = (name: string) => name === 'id' || /Id$/.test(name);

function resolved(ctx: UserContext, node: unknown): Node {
  return (ctx.resolve(node as Node).node ?? {}) as Node;
}

/** The schemas a value may match: the alternatives of a union, else the schema itself. */
function alternatives(ctx: UserContext, schema: Node): Node[] {
  const union = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  return union ? union.flatMap((member) => alternatives(ctx, resolved(ctx, member))) : [schema];
}

function types(schema: Node): string[] {
  const type = schema.type;
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

/** Every property a schema declares, through `allOf`. */
function propertiesOf(ctx: UserContext, schema: Node): Record<string, Node> {
  const own = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Node).map(([name, value]) => [
      name,
      resolved(ctx, value),
    ]),
  );
  const inherited = ((schema.allOf ?? []) as unknown[]).map((member) =>
    propertiesOf(ctx, resolved(ctx, member)),
  );
  return Object.assign({}, ...inherited, own) as Record<string, Node>;
}

/** Money is an integer of minor units, never negative, never past 2^53 - 1 (or null). */
const IntegerMoney: Oas3Rule = () => ({
  Schema(schema: object, ctx: UserContext) {
    for (const [name, property] of Object.entries(propertiesOf(ctx, schema as Node))) {
      if (!MONEY.has(name)) continue;
      for (const choice of alternatives(ctx, property)) {
        const kinds = types(choice).filter((type) => type !== 'null');
        if (kinds.length === 0 && types(choice).includes('null')) continue;
        const bounded =
          typeof choice.minimum === 'number' &&
          choice.minimum >= 0 &&
          typeof choice.maximum === 'number' &&
          choice.maximum <= MAX_SAFE;
        if (kinds.join() !== 'integer' || !bounded) {
          ctx.report({
            message: `Money \`${name}\` must be an integer with a minimum >= 0 and a maximum <= 2^53 - 1.`,
            location: ctx.location.child(['properties', name]),
          });
        }
      }
    }
  },
});

/** Ids are opaque strings, in bodies and in parameters. */
const StringIds: Oas3Rule = () => ({
  Schema(schema: object, ctx: UserContext) {
    for (const [name, property] of Object.entries(propertiesOf(ctx, schema as Node))) {
      if (!isId(name)) continue;
      if (alternatives(ctx, property).some((choice) => types(choice).join() !== 'string')) {
        ctx.report({
          message: `Id \`${name}\` must be a string.`,
          location: ctx.location.child(['properties', name]),
        });
      }
    }
  },
  Parameter(parameter: { name: string; schema?: unknown }, ctx: UserContext) {
    const schema = resolved(ctx, parameter.schema);
    if (isId(parameter.name) && types(schema).join() !== 'string') {
      ctx.report({
        message: `Id parameter \`${parameter.name}\` must be a string.`,
        location: ctx.location.child(['schema']),
      });
    }
  },
});

function declaredHeader(ctx: UserContext, response: Node, name: string): Node | null {
  const headers = (response.headers ?? {}) as Node;
  const key = Object.keys(headers).find((header) => header.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : resolved(ctx, headers[key]);
}

/** A response of these statuses must declare this header, required, matching `schema`. */
function requiredHeaderRule(
  name: string,
  statuses: (status: string) => boolean,
  schemaOk: (schema: Node) => boolean = () => true,
): Oas3Rule {
  return () => ({
    Response(response: object, ctx: UserContext) {
      if (!statuses(String(ctx.key))) return;
      const header = declaredHeader(ctx, response as Node, name);
      if (!header || header.required !== true || !schemaOk(resolved(ctx, header.schema))) {
        ctx.report({
          message: `A ${String(ctx.key)} response must declare a required \`${name}\` header.`,
          location: ctx.location.child(['headers']).key(),
        });
      }
    },
  });
}

const isError = (status: string) => /^[45]/.test(status);

/** Every 4xx and 5xx answer is an RFC 9457 problem document, and nothing else. */
const ProblemResponses: Oas3Rule = () => ({
  Response(response: { content?: Record<string, { schema?: unknown }> }, ctx: UserContext) {
    if (!isError(String(ctx.key))) return;
    const content = response.content ?? {};
    const problem = content['application/problem+json'];
    const members = problem ? Object.keys(propertiesOf(ctx, resolved(ctx, problem.schema))) : [];
    const complete = ['type', 'title', 'status', 'detail', 'code'].every((m) =>
      members.includes(m),
    );
    if (Object.keys(content).length !== 1 || !complete) {
      ctx.report({
        message:
          `A ${String(ctx.key)} response must be \`application/problem+json\` only, with ` +
          'type, title, status, detail and code.',
        location: ctx.location.child(['content']).key(),
      });
    }
  },
});

/**
 * An operation that creates something asynchronously from a body (202) takes an optional
 * `Idempotency-Key` of 1 to 255 characters, and says when an answer is a replay.
 */
const IdempotencyKey: Oas3Rule = () => ({
  Operation(operation: object, ctx: UserContext) {
    const {
      responses = {},
      requestBody,
      parameters = [],
    } = operation as {
      responses?: Node;
      requestBody?: unknown;
      parameters?: unknown[];
    };
    if (ctx.key !== 'post' || !requestBody || !('202' in responses)) return;
    const key = parameters
      .map((parameter) => resolved(ctx, parameter))
      .find((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');
    const schema = key ? resolved(ctx, key.schema) : {};
    const keyOk =
      key !== undefined &&
      key.required !== true &&
      types(schema).join() === 'string' &&
      schema.minLength === 1 &&
      schema.maxLength === 255;
    const replayed = declaredHeader(ctx, resolved(ctx, responses['202']), 'Idempotent-Replayed');
    if (!keyOk || !replayed) {
      ctx.report({
        message:
          'A POST answering 202 must take an optional `Idempotency-Key` header (a string of ' +
          '1 to 255) and declare `Idempotent-Replayed` on its 202.',
        location: ctx.location.child(['parameters']).key(),
      });
    }
  },
});

const integerOfAtLeastOne = (schema: Node) =>
  types(schema).join() === 'integer' && typeof schema.minimum === 'number' && schema.minimum >= 1;

export const contractRules: Plugin = {
  id: 'contract',
  rules: {
    oas3: {
      'integer-money': IntegerMoney,
      'string-ids': StringIds,
      'problem-responses': ProblemResponses,
      'retry-after': requiredHeaderRule(
        'Retry-After',
        (status) => status === '429' || status === '503',
        integerOfAtLeastOne,
      ),
      location: requiredHeaderRule('Location', (status) => status === '201' || status === '202'),
      'request-id': requiredHeaderRule('X-Request-Id', () => true),
      'idempotency-key': IdempotencyKey,
    },
  },
};

export const CONTRACT_RULES = Object.keys(contractRules.rules?.oas3 ?? {}).map(
  (rule) => `contract/${rule}`,
);
