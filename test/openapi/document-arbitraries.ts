import fc from 'fast-check';
import { UNIQUE_ITEM_PROPERTY, validatorAt } from '../support/document-schemas';
import { resolveAt } from '../support/openapi-document';

/**
 * fast-check arbitraries read from the document: values that its schemas accept, and values that
 * they refuse, each judged by the document's own validator (Ajv) before it is used, so that what
 * the generators get wrong can only make a run useless, never a verdict wrong. Only the JSON
 * Schema this document uses is understood; anything else fails loudly.
 */

type Schema = Record<string, unknown>;

/** What a string is made of where the schema does not say. */
export interface Vocabulary {
  /** Ids of stored rows, offered where the document names an id (by its name), to reach them. */
  ids: (name: string) => fc.Arbitrary<string>;
  /** Characters of free text: any code point in bodies; what HTTP carries in headers. */
  unit: fc.Arbitrary<string> | 'binary';
}

const MAX = Number.MAX_SAFE_INTEGER;
/** Free text longer than this says nothing more about the service. */
const LONGEST_FREE_TEXT = 600;
const isIdName = (name: string | undefined) => name !== undefined && /(^id|Id)$/.test(name);
const codePoints = (text: string) => [...text].length;

function schemaAt(at: readonly string[]): { schema: Schema; at: string[] } {
  const { node, at: where } = resolveAt<Schema>(at);
  return { schema: node, at: where };
}

function types(schema: Schema): string[] {
  const type = schema.type;
  if (Array.isArray(type)) return type as string[];
  if (typeof type === 'string') return [type];
  throw new Error(`a schema without a type: ${JSON.stringify(schema)}`);
}

function integers(schema: Schema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : -MAX;
  const max = typeof schema.maximum === 'number' ? schema.maximum : MAX;
  const small = { min: Math.max(min, -1000), max: Math.min(max, 1000) };
  return fc.oneof(
    fc.constantFrom(min, max),
    ...(small.min <= small.max ? [fc.integer(small)] : []),
    fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number),
    // Without a bound, JSON Schema takes integers past the safe range too.
    ...(typeof schema.maximum === 'number' ? [] : [fc.constantFrom(2 ** 53, 1e21)]),
  );
}

/** Values of the formats a schema may name (the validator still judges each). */
const FORMATS: Record<string, fc.Arbitrary<string>> = {
  email: fc.emailAddress(),
  'date-time': fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  uri: fc.webUrl(),
};

function strings(schema: Schema, vocabulary: Vocabulary): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = Math.min(
    typeof schema.maxLength === 'number' ? schema.maxLength : LONGEST_FREE_TEXT,
    LONGEST_FREE_TEXT,
  );
  const source = typeof schema.pattern === 'string' ? schema.pattern : null;
  const fits = (text: string) => codePoints(text) >= min && codePoints(text) <= max;
  const format = FORMATS[String(schema.format)];
  if (format && !source) return format.filter(fits);
  if (source && source.startsWith('^') && source.endsWith('$')) {
    return fc.stringMatching(new RegExp(source, 'u')).filter(fits);
  }
  const pattern = source ? new RegExp(source, 'u') : null;
  const text = (length: { minLength: number; maxLength: number }) =>
    fc.string({ unit: vocabulary.unit, ...length });
  // Besides any text: the longest, and blanks, which HTTP and trimming treat specially.
  const blank = fc.string({ unit: fc.constant(' '), minLength: Math.max(min, 1), maxLength: 3 });
  return fc
    .oneof(
      text({ minLength: min, maxLength: max }),
      text({ minLength: max, maxLength: max }),
      blank.filter(fits),
    )
    .filter((value) => !pattern || pattern.test(value));
}

function ofType(
  type: string,
  schema: Schema,
  at: string[],
  vocabulary: Vocabulary,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integers(schema);
    case 'string':
      return strings(schema, vocabulary);
    case 'array': {
      const item = valid([...at, 'items'], vocabulary);
      const lengths = {
        minLength: typeof schema.minItems === 'number' ? schema.minItems : 0,
        maxLength: typeof schema.maxItems === 'number' ? schema.maxItems : 10,
      };
      const unique = schema[UNIQUE_ITEM_PROPERTY];
      return typeof unique === 'string'
        ? fc.uniqueArray(item, { ...lengths, selector: (value) => (value as Schema)[unique] })
        : fc.array(item, lengths);
    }
    case 'object': {
      const names = Object.keys((schema.properties ?? {}) as Schema);
      const record = fc.record(
        Object.fromEntries(
          names.map((name) => [name, valid([...at, 'properties', name], vocabulary, name)]),
        ),
        { requiredKeys: (schema.required ?? []) as string[] },
      );
      const least = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
      return record.filter((value) => Object.keys(value).length >= least);
    }
    default:
      throw new Error(`no arbitrary for type ${type}`);
  }
}

/** Values the schema at `at` accepts. */
export function valid(
  at: readonly string[],
  vocabulary: Vocabulary,
  name?: string,
): fc.Arbitrary<unknown> {
  const { schema, at: where } = schemaAt(at);
  const union = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  let values: fc.Arbitrary<unknown>;
  if (union) {
    const key = schema.oneOf ? 'oneOf' : 'anyOf';
    values = fc.oneof(...union.map((_, i) => valid([...where, key, String(i)], vocabulary, name)));
  } else if (Array.isArray(schema.enum)) {
    values = fc.constantFrom(...(schema.enum as unknown[]));
  } else {
    values = fc.oneof(...types(schema).map((type) => ofType(type, schema, where, vocabulary)));
  }
  if (name !== undefined && isIdName(name) && types(schema).includes('string')) {
    values = fc.oneof({ arbitrary: vocabulary.ids(name), weight: 4 }, values);
  }
  const accepts = validatorAt(where);
  return values.filter((value) => accepts(value));
}

/** One value of each JSON type: whichever the schema does not take breaks it. */
const ANY_JSON: unknown[] = ['text', '7', 7, 1.5, true, null, [], {}];

function brokenOfType(type: string, schema: Schema, at: string[], vocabulary: Vocabulary) {
  const broken: fc.Arbitrary<unknown>[] = [];
  if (type === 'integer') {
    if (typeof schema.minimum === 'number') broken.push(fc.constant(schema.minimum - 1));
    if (typeof schema.maximum === 'number') broken.push(fc.constant(schema.maximum + 1));
    broken.push(integers(schema).map((value) => value + 0.5));
  }
  if (type === 'string') {
    if (typeof schema.maxLength === 'number') {
      const length = schema.maxLength + 1;
      broken.push(fc.string({ unit: vocabulary.unit, minLength: length, maxLength: length }));
    }
    broken.push(fc.constantFrom('', ' ', '\t', 'not valid?'));
    broken.push(fc.string({ unit: vocabulary.unit, maxLength: 40 }));
  }
  if (type === 'array') {
    const item = valid([...at, 'items'], vocabulary);
    if (typeof schema.maxItems === 'number') {
      const length = schema.maxItems + 1;
      broken.push(fc.array(item, { minLength: length, maxLength: length }));
    }
    broken.push(fc.constant([]));
    broken.push(
      fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => [...items, items[0]]),
    );
    broken.push(
      fc
        .tuple(fc.array(item, { maxLength: 3 }), invalid([...at, 'items'], vocabulary))
        .map(([items, bad]) => [...items, bad]),
    );
  }
  if (type === 'object') {
    const names = Object.keys((schema.properties ?? {}) as Schema);
    const whole = ofType('object', schema, at, vocabulary) as fc.Arbitrary<Schema>;
    broken.push(fc.constant({}));
    broken.push(whole.map((value) => ({ ...value, unexpected: 1 })));
    for (const name of (schema.required ?? []) as string[]) {
      broken.push(whole.map(({ [name]: _dropped, ...rest }) => rest));
    }
    for (const name of names) {
      broken.push(
        fc
          .tuple(whole, invalid([...at, 'properties', name], vocabulary))
          .map(([value, bad]) => ({ ...value, [name]: bad })),
      );
    }
  }
  return broken;
}

/** Values the schema at `at` refuses (each still JSON). */
export function invalid(at: readonly string[], vocabulary: Vocabulary): fc.Arbitrary<unknown> {
  const { schema, at: where } = schemaAt(at);
  const broken: fc.Arbitrary<unknown>[] = [fc.constantFrom(...ANY_JSON)];
  if (Array.isArray(schema.enum)) broken.push(fc.constant('NOT_ONE_OF_THEM'));
  if (!schema.oneOf && !schema.anyOf && !schema.enum) {
    for (const type of types(schema)) broken.push(...brokenOfType(type, schema, where, vocabulary));
  }
  const accepts = validatorAt(where);
  return fc.oneof(...broken).filter((value) => !accepts(value));
}
