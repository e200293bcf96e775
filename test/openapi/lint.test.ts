import { documentText } from '../support/openapi-document';
import { lintProblems } from './redocly-lint';

describe('docs/openapi.json, linted', () => {
  it('passes Redocly strict recommended rules and the contract rules', async () => {
    expect(await lintProblems(documentText())).toEqual([]);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document being broken
type Json = any;

const responseOf = (doc: Json, path: string, method: string, status: string) =>
  doc.paths[path][method].responses[status];

/** One way to break the document per rule: the rule must say so. */
const BREAKAGES: [rule: string, breaking: string, breakIt: (doc: Json) => void][] = [
  [
    'contract/integer-money',
    'a price without maximum',
    (doc) => {
      delete doc.components.schemas.Product.properties.price.maximum;
    },
  ],
  [
    'contract/integer-money',
    'a total as a number',
    (doc) => {
      doc.components.schemas.CompletedOrder.properties.total.type = 'number';
    },
  ],
  [
    'contract/string-ids',
    'an integer customer id',
    (doc) => {
      doc.components.schemas.Customer.properties.id = { type: 'integer' };
    },
  ],
  [
    'contract/problem-responses',
    'a 404 as plain JSON',
    (doc) => {
      const notFound = responseOf(doc, '/orders/{id}', 'get', '404');
      notFound.content = { 'application/json': notFound.content['application/problem+json'] };
    },
  ],
  [
    'contract/problem-responses',
    'a 500 with a schema that is not a problem',
    (doc) => {
      responseOf(doc, '/health', 'get', '500').content['application/problem+json'].schema = {
        $ref: '#/components/schemas/Health',
      };
    },
  ],
  [
    'contract/retry-after',
    'a 503 without Retry-After',
    (doc) => {
      delete responseOf(doc, '/orders', 'post', '503').headers['Retry-After'];
    },
  ],
  [
    'contract/retry-after',
    'a 429 whose Retry-After is optional',
    (doc) => {
      responseOf(doc, '/products', 'get', '429').headers['Retry-After'].required = false;
    },
  ],
  [
    'contract/location',
    'a 201 without Location',
    (doc) => {
      delete responseOf(doc, '/customers', 'post', '201').headers.Location;
    },
  ],
  [
    'contract/request-id',
    'a response without X-Request-Id',
    (doc) => {
      delete responseOf(doc, '/health', 'get', '200').headers['X-Request-Id'];
    },
  ],
  [
    'contract/idempotency-key',
    'POST /orders without Idempotency-Key',
    (doc) => {
      const placeOrder = doc.paths['/orders'].post;
      placeOrder.parameters = placeOrder.parameters.filter(
        (parameter: Json) => parameter.name !== 'Idempotency-Key',
      );
    },
  ],
  [
    'no-empty-servers',
    'no servers',
    (doc) => {
      delete doc.servers;
    },
  ],
  [
    'security-defined',
    'an unknown security scheme',
    (doc) => {
      doc.security = [{ apiKey: [] }];
    },
  ],
];

describe('the lint fails a broken document', () => {
  it.each(BREAKAGES)('%s: %s', async (rule, _breaking, breakIt) => {
    const document = JSON.parse(documentText()) as Json;
    breakIt(document);

    const problems = await lintProblems(JSON.stringify(document));

    expect(problems.filter((problem) => problem.startsWith(`${rule}:`))).not.toEqual([]);
  });
});
