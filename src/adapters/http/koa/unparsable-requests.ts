import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemDocument, type HttpErrorCode } from './error-middleware';

interface Refusal {
  code: HttpErrorCode;
  detail: string;
}

const MALFORMED: Refusal = {
  code: 'MALFORMED_REQUEST',
  detail: 'The request could not be parsed as HTTP/1.1',
};

/** Node's parser errors, by what they mean to the client; any other is a malformed request. */
const PARSER_ERRORS = new Map<string | undefined, Refusal>([
  [
    'HPE_HEADER_OVERFLOW',
    { code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers are too large' },
  ],
  [
    'HPE_CHUNK_EXTENSIONS_OVERFLOW',
    { code: 'PAYLOAD_TOO_LARGE', detail: 'The chunk extensions of the body are too large' },
  ],
  // Node 20 raises this for both limits: the headers (headersTimeout) and the whole request.
  [
    'ERR_HTTP_REQUEST_TIMEOUT',
    { code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time' },
  ],
]);

/** How long a refused client has to read its answer before the connection is cut. */
const CLOSE_GRACE_MS = 1000;

function rawResponse({ code, detail }: Refusal): string {
  const problem = problemDocument(code, detail);
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    'Content-Type: application/problem+json',
    'X-Content-Type-Options: nosniff',
    // Every answer has one; this request was never read far enough to offer its own.
    `X-Request-Id: ${randomUUID()}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function bytesWritten(socket: Duplex): number {
  return (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
}

/**
 * A request Node's HTTP parser rejects (headers over its limit, a control character in a header,
 * both Content-Length and Transfer-Encoding) or that did not arrive in time never reaches Koa, or
 * is cut off in the middle of its body, and Node answers it with a bare status line. This answers
 * it with the problem document every other 4xx has. Call it on the server that serves the app.
 */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // Nothing can be answered on a connection the client reset or that already carried a reply.
    if (error.code === 'ECONNRESET' || !socket.writable || bytesWritten(socket) > 0) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(PARSER_ERRORS.get(error.code) ?? MALFORMED));
    // A client that neither reads nor closes would hold the connection, and the request Koa may
    // still be reading from it, for ever.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  });
}
