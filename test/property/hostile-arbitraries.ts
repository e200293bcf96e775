import fc from 'fast-check';

/**
 * Generators of hostile HTTP requests: bodies, headers, path segments and query strings that a
 * careless or malicious client can send. JSON is built as text so that what `JSON.stringify`
 * cannot write (duplicate keys, `1e400`, `-0`, `NaN`, deep nesting) is sent too.
 */

/** Characters Node's HTTP client lets through in a header value (HTAB, visible ASCII, obs-text). */
const HEADER_CHARS = [
  '\t',
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...Array.from({ length: 0x100 - 0x80 }, (_, i) => String.fromCharCode(0x80 + i)),
];

export const headerValue = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength }),
    fc.string({ unit: fc.constantFrom(...HEADER_CHARS), minLength: 200, maxLength: 300 }),
    fc.constantFrom('', ' ', '\t', 'a', 'x'.repeat(255), 'x'.repeat(256), 'ÿ'.repeat(255), '0'),
  );

const RAW_NUMBERS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '1e-400',
  '-1e-400',
  '-0',
  '0.0',
  '1.0',
  '1.5',
  '-1',
  '0',
  '1000',
  '1001',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551616',
  '1e21',
  '0x10',
  '01',
  '+1',
  '.5',
  '1.',
  '1e',
  '--1',
  '1_000',
];

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'a\ud83db',
  '\u200b',
  '\u202e',
  '\ufeff',
  '😀',
  '👩‍👩‍👧‍👦',
  '12',
  ' 12',
  '1e3',
  'null',
  'true',
  '__proto__',
  "'; DROP TABLE customers; --",
  '%s%n%x',
  '../../etc/passwd',
  'a@b',
  'a@b.co',
  'A@EXAMPLE.COM',
  'a\u0000@example.com',
  'ü@example.com',
  'a@例え.jp',
  '"a b"@example.com',
  `${'x'.repeat(250)}@example.com`,
  'x'.repeat(199),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(255),
  'x'.repeat(256),
  '😀'.repeat(100),
  '😀'.repeat(101),
  '😀'.repeat(200),
  '\ud800'.repeat(200),
  'é'.repeat(200),
  'x'.repeat(70_000),
];

/** A string that is, once serialised, JSON text. */
type JsonText = string;

const str = (value: string): JsonText => JSON.stringify(value);

export const hostileString: fc.Arbitrary<JsonText> = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('x', '😀', '\u0000', 'é', '\ud800'),
          fc.integer({ min: 0, max: 5000 }),
        )
        .map(([unit, count]) => unit.repeat(count)),
    },
  )
  .map(str);

const hostileNumber: fc.Arbitrary<JsonText> = fc.oneof(
  fc.constantFrom(...RAW_NUMBERS),
  fc.integer().map(String),
  fc.maxSafeInteger().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double().map((value) => JSON.stringify(value)),
);

/** An object written entry by entry, so keys can repeat and `__proto__` is an own key. */
export function objectText(entries: readonly (readonly [string, JsonText])[]): JsonText {
  return `{${entries.map(([key, value]) => `${str(key)}:${value}`).join(',')}}`;
}

const pollutingKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '');

export const hostileValue: fc.Arbitrary<JsonText> = fc.letrec<{ value: JsonText }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom('true', 'false', 'null', '[]', '{}', '{"__proto__":{"admin":true}}'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(pollutingKey, fc.string({ maxLength: 8 })), tie('value')), {
        maxLength: 4,
      })
      .map(objectText),
    fc
      .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 1, max: 3000 }))
      .map(([open, depth]) =>
        open === '['
          ? '['.repeat(depth) + ']'.repeat(depth)
          : open.repeat(depth) + '1' + '}'.repeat(depth),
      ),
  ),
})).value;

/** What each body field looks like when the client plays fair. */
export type FieldValues = Record<string, fc.Arbitrary<JsonText>>;

/**
 * A body built from the endpoint's own fields: either every field fair (values the schema
 * accepts, nasty ones included, so they reach the store) or each fair, hostile or missing, with
 * extra and repeated keys.
 */
export function mutatedObject(fields: FieldValues): fc.Arbitrary<JsonText> {
  const names = Object.keys(fields);
  const fair = (name: string) => fields[name] as fc.Arbitrary<JsonText>;
  const allFair = fc
    .tuple(...names.map((name) => fair(name).map((value): [string, JsonText] => [name, value])))
    .map(objectText);
  const entry = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fair(name).map((v) => [[name, v]]) },
      { weight: 2, arbitrary: hostileValue.map((v) => [[name, v]]) },
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.tuple(hostileValue, fair(name)).map(([first, second]) => [
          [name, first],
          [name, second],
        ]),
      },
    );
  const mutated = fc
    .tuple(
      fc.tuple(...names.map(entry)),
      fc.array(fc.tuple(fc.oneof(pollutingKey, fc.string({ maxLength: 12 })), hostileValue), {
        maxLength: 2,
      }),
      fc.boolean(),
    )
    .map(([known, extra, shuffled]) => {
      const entries = [...known.flat(), ...extra] as [string, JsonText][];
      return objectText(shuffled ? entries.reverse() : entries);
    });
  return fc.oneof({ weight: 2, arbitrary: allFair }, { weight: 3, arbitrary: mutated });
}

/** Names the schema accepts (1..200 UTF-16 units, not blank) that are still unkind to a store. */
export const nastyName: fc.Arbitrary<JsonText> = fc
  .oneof(
    fc.constantFrom(
      'Ada',
      'a\u0000b',
      '\u0000x',
      'x\ud800',
      '\udfffx',
      '😀'.repeat(100),
      '👩‍👩‍👧‍👦',
      'x'.repeat(200),
      'é'.repeat(200),
      '\u202eevil',
      "Robert'); DROP TABLE products; --",
      '%s%n',
      '\\',
      '  padded  ',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 50 }),
  )
  .filter((name) => name.length <= 200 && /\S/.test(name))
  .map(str);

/** Integers the schema accepts, up to the largest safe one, in the spellings JSON allows. */
export const nastyAmount = (min: number): fc.Arbitrary<JsonText> =>
  fc.oneof(
    fc.integer({ min, max: 1_000_000 }).map(String),
    fc.integer({ min, max: Number.MAX_SAFE_INTEGER }).map(String),
    fc.constantFrom(
      ...[
        String(min),
        `${min}.0`,
        `${min}e0`,
        '9007199254740991',
        '9007199254740990',
        '1e15',
        '4294967296',
        '2147483648',
      ].filter((text) => Number(text) >= min),
    ),
  );

/** Emails the schema accepts, each new (a fixed one collides and tests only 409). */
export const nastyEmail: fc.Arbitrary<JsonText> = fc
  .tuple(
    fc.uuid(),
    fc.constantFrom('', "o'brien+", 'A.B_', 'UPPER'),
    fc.constantFrom('example.com', 'EXAMPLE.COM', 'a-b.example.co.uk'),
    fc.boolean(),
  )
  .map(([id, local, domain, long]) =>
    str(`${local}${long ? 'x'.repeat(200) : ''}${id}@${domain}`.slice(-254)),
  );

/** Raw bytes of a body: usually UTF-8 JSON text, sometimes broken or with invalid UTF-8 inside. */
export function bodyBytes(structured: fc.Arbitrary<JsonText>): fc.Arbitrary<Buffer> {
  const text = fc.oneof(
    { weight: 6, arbitrary: structured },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.json() },
    {
      weight: 1,
      arbitrary: fc.oneof(
        structured.chain((json) =>
          fc.nat({ max: Math.max(0, json.length - 1) }).map((cut) => json.slice(0, cut)),
        ),
        fc.string({ maxLength: 100 }),
        fc.constantFrom(
          '',
          '{',
          '}',
          '{"a":1,}',
          "{'a':1}",
          '{"a":1}{"b":2}',
          '\ufeff{}',
          '{"a":1} x',
        ),
      ),
    },
  );
  const utf8 = text.map((json) => Buffer.from(json, 'utf8'));
  const invalidUtf8 = fc
    .tuple(
      structured,
      fc.oneof(
        fc.constantFrom(
          Buffer.from([0xc0, 0xaf]),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from([0xff, 0xfe]),
          Buffer.from([0xf4, 0x90, 0x80, 0x80]),
          Buffer.from([0x00]),
        ),
        fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
      ),
    )
    .map(([json, bytes]) => {
      // Inside the first string value, where a lenient decoder would let bytes reach the store.
      const at = json.indexOf('":"') + 3;
      const cut = at > 2 ? at : json.length;
      return Buffer.concat([
        Buffer.from(json.slice(0, cut), 'utf8'),
        bytes,
        Buffer.from(json.slice(cut), 'utf8'),
      ]);
    });
  const oversized = fc.constant(Buffer.from(`{"name":"${'x'.repeat(1024 * 1024 + 16)}"}`, 'utf8'));
  return fc.oneof(
    { weight: 20, arbitrary: utf8 },
    { weight: 3, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.oneof({ weight: 9, arbitrary: utf8 }, oversized) },
  );
}

export const contentType = fc.oneof(
  { weight: 14, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json;charset="utf-8"',
      'application/JSON',
      'Application/Json; Charset=UTF8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=klingon',
      'application/json; charset=',
      'application/json; =',
      'application/json;;;',
      'application/json, text/plain',
      'application/problem+json',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/*',
      '*/*',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/xml',
      'json',
      '',
      ';',
    ),
  },
  { weight: 1, arbitrary: headerValue(80) },
);

export const contentEncoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x') },
);

const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/** Percent-encodes the UTF-8 bytes of `text`; unlike encodeURIComponent, takes lone surrogates. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return UNRESERVED.test(char) ? char : `%${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

/** One path segment as sent on the wire; decoded by the router into an id. */
export function pathSegment(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '.',
        '..',
        '%2e%2e',
        '%2E',
        '%',
        '%%',
        '%zz',
        '%C0%AF',
        '%ED%A0%80',
        '%FF',
        '%00',
        'a%00b',
        '%2F',
        'a%2Fb',
        'a/b',
        '%5C',
        '~',
        ';',
        '@',
        ':',
        "!$&'()*+,=",
        'null',
        'undefined',
        '0',
        '-1',
        'NaN',
        `${realIds[0] ?? 'x'}%20`,
        `${realIds[0] ?? 'x'}.json`,
        `${(realIds[0] ?? 'x').toUpperCase()}`,
        'x'.repeat(36),
        'x'.repeat(37),
        'x'.repeat(64),
        'x'.repeat(65),
        'x'.repeat(4000),
        '%F0%9F%98%80',
        'é',
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(percentEncoded) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(percentEncoded) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 30 })
        .map((bytes) =>
          [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom(..."abcXYZ019-_.~!$&'()*+,;=:@%".split('')),
        maxLength: 80,
      }),
    },
  );
}

/** A cursor shaped like ours (base64url JSON) with odd dates and ids, or plain junk. */
const cursor = fc.oneof(
  fc
    .record({
      createdAt: fc.oneof(
        fc
          .date({
            min: new Date('0000-01-01T00:00:00.000Z'),
            max: new Date('9999-12-31T23:59:59.999Z'),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString()),
        fc.constantFrom(
          '0000-00-00T00:00:00Z',
          '1000-01-01T00:00:00Z',
          '0999-12-31T23:59:59.999Z',
          '2024-02-30T00:00:00Z',
          '2024-13-01T00:00:00Z',
          '2024-01-01T24:00:00Z',
          '2024-01-01T00:00:60Z',
          '2024-01-01T00:00:00.123456789Z',
          '2024-01-01T00:00:00+14:00',
          '+275760-09-13T00:00:00.000Z',
          'now',
        ),
      ),
      id: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.string({ unit: 'binary', maxLength: 70 }),
      ),
    })
    .map((position) => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url')),
  fc.string({ maxLength: 600 }),
  fc.base64String({ maxLength: 200 }),
  fc.constantFrom('', '=', 'null', 'e30', 'W10', 'x'.repeat(513)),
);

const queryValue = fc.oneof(
  fc.constantFrom('1', '20', '100', '0', '101', '-1', '1.5', '1e1', '0x10', ' 5', '05', '', 'abc'),
  fc.integer().map(String),
  cursor,
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** A query string as sent: repeated, empty and unknown parameters, percent-junk. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.oneof(
          fc
            .tuple(
              fc.constantFrom('limit', 'cursor', 'limit[]', 'cursor[0]', 'LIMIT', 'x', ''),
              queryValue,
            )
            .map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(value)}`),
          cursor.map((value) => `cursor=${percentEncoded(value)}`),
          fc.integer({ min: 1, max: 100 }).map((limit) => `limit=${limit}`),
          fc.constantFrom(
            'limit',
            'cursor',
            '=',
            '&',
            '%',
            '%zz',
            'limit=%',
            'limit=%FF',
            '__proto__=1',
            'constructor[prototype][x]=1',
          ),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((parts) => `?${parts.join('&')}`),
  },
);

/**
 * Bytes on the wire that Node's own HTTP parser has to judge: oversized header blocks, control
 * characters, conflicting framing, odd request lines. Every one asks the server to close after
 * answering, and never declares more body than it sends (that would only wait for a timeout).
 */
export function rawHttpRequest(paths: readonly string[]): fc.Arbitrary<Buffer> {
  const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'G@T', 'get', 'GET GET', '');
  const target = fc.oneof(
    fc.constantFrom(...paths),
    fc.constantFrom('*', '/a b', '/\u0000', 'http://localhost/health', '//', '/%', '/health#x'),
    fc.integer({ min: 8_000, max: 40_000 }).map((length) => `/customers/${'x'.repeat(length)}`),
  );
  const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', '');
  const header = fc.oneof(
    fc.constantFrom(
      'Accept: */*',
      'X-Request-Id: ok-1',
      'X-Bad: a\u0001b',
      'X-Bad: a\u007fb',
      'X-Nul: a\u0000b',
      'X Bad: no colon',
      ': empty-name',
      'X-Folded: a\r\n continued',
      'Content-Length: -1',
      'Content-Length: abc',
      'Content-Length: 1, 2',
      'Transfer-Encoding: gzip',
      'Transfer-Encoding: chunked\r\nContent-Length: 2',
      'Host: a\r\nHost: b',
      'Content-Type: application/json',
    ),
    fc.integer({ min: 1, max: 40_000 }).map((length) => `X-Long: ${'x'.repeat(length)}`),
    fc
      .string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength: 40 })
      .map((value) => `X-Any: ${value}`),
  );
  return fc
    .record({
      method,
      target,
      version,
      headers: fc.array(header, { maxLength: 4 }),
      lineEnd: fc.constantFrom('\r\n', '\r\n', '\n'),
      body: fc.constantFrom('', '{}', '0\r\n\r\n'),
    })
    .map(({ method: m, target: t, version: v, headers, lineEnd, body }) =>
      Buffer.from(
        [`${m} ${t} ${v}`, 'Host: localhost', ...headers, 'Connection: close', '', body].join(
          lineEnd,
        ),
        'latin1',
      ),
    );
}
