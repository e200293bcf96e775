import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { BEARER_SCHEME } from './documented-responses';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export function openApiDocument(registry: OpenAPIRegistry): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Order service',
      version: '1.0.0',
      description:
        'Customers, products and asynchronously processed orders. Money is an integer of minor ' +
        'units; ids are opaque strings; timestamps are ISO-8601 UTC. Lists are keyset-paginated ' +
        'with `limit` and `cursor`. Errors are RFC 9457 problem documents ' +
        '(`application/problem+json`) whose `code` is listed under the `ErrorCode` schema. ' +
        'Every response carries `X-Request-Id` (the caller may send its own). A path this ' +
        'document does not list answers 404 `ROUTE_NOT_FOUND`, and a method a listed path does ' +
        'not take answers 405 `METHOD_NOT_ALLOWED` with `Allow`.',
    },
    // Relative: the service that serves this document (and /docs) is the one it describes.
    servers: [{ url: '/', description: 'The service serving this document.' }],
    // The default; each public operation overrides it with `security: []`.
    security: [{ [BEARER_SCHEME]: [] }],
  });
}
