import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeExchange, responseViolations, type Exchange } from './response-conformance';

/**
 * Run before every test file (jest `setupFilesAfterEnv`): every answer that an HTTP server in
 * this process sends — whatever the client, supertest, fetch or a raw socket — is checked against
 * the OpenAPI document, and the test during which it was sent fails if the document does not
 * describe it. Node announces each request a server starts on a diagnostics channel; the answer's
 * bytes are kept as they are written. (What Node's parser answers to a request it could not read
 * never reaches a server's response: the tests that send such requests check those answers with
 * expectRawAnswerDescribed.)
 */

/** Larger answers (the /docs bundle) are not API answers; their bodies are not kept. */
const KEPT_BYTES = 4 * 1024 * 1024;

const undescribed: string[] = [];

const standIns = new WeakSet<Server>();

/** Marks a server that plays another party in a test (an identity provider): not the service. */
export function notTheService<S extends Server>(server: S): S {
  standIns.add(server);
  return server;
}

/** The bytes of an answer as they are written, until there are more than KEPT_BYTES. */
class Kept {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  add(chunk: unknown, encoding: unknown): void {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (this.bytes > KEPT_BYTES) return;
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    this.bytes += buffer.length;
    this.chunks.push(buffer);
  }

  body(): Buffer | null {
    return this.bytes > KEPT_BYTES ? null : Buffer.concat(this.chunks);
  }
}

function watch(message: unknown): void {
  const { request, response, server } = message as {
    request: IncomingMessage;
    response: ServerResponse;
    server: Server;
  };
  if (standIns.has(server)) return;
  const kept = new Kept();
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.write = ((...args: unknown[]) => {
    kept.add(args[0], args[1]);
    return write(...args);
  }) as ServerResponse['write'];
  response.end = ((...args: unknown[]) => {
    kept.add(args[0], args[1]);
    return end(...args);
  }) as ServerResponse['end'];
  response.once('finish', () => {
    const exchange: Exchange = {
      request: { method: request.method ?? 'GET', url: request.url ?? '/' },
      status: response.statusCode,
      headers: response.getHeaders(),
      body: kept.body(),
    };
    const problems = responseViolations(exchange);
    if (problems.length > 0) {
      undescribed.push(
        `${describeExchange(exchange)}\n${problems.map((p) => `    - ${p}`).join('\n')}`,
      );
    }
  });
}

function failOnUndescribed(): void {
  const found = undescribed.splice(0);
  if (found.length > 0) {
    throw new Error(
      `The OpenAPI document (docs/openapi.json) does not describe ${found.length} answer(s) ` +
        `sent during this test:\n  ${found.join('\n  ')}`,
    );
  }
}

const CHANNEL = 'http.server.request.start';

subscribe(CHANNEL, watch);
afterEach(failOnUndescribed);
afterAll(() => {
  unsubscribe(CHANNEL, watch);
  failOnUndescribed();
});
