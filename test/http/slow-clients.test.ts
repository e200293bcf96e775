import { adminToken, TEST_AUTH_SECRET } from '../support/tokens';
import { connect, type Socket } from 'node:net';
import { loadConfig } from '../../src/config/config';
import { startService, type RunningService } from '../../src/config/service';
import { eventually } from '../support/eventually';
import { expectRawAnswerDescribed } from '../support/response-conformance';
import { silentLogger } from '../support/silent-logger';

/**
 * The slow-client limits on a real listening server: a client that trickles its request is cut
 * off, with a 408 problem, long before it would have finished; an idle keep-alive connection is
 * closed by the server.
 */

const TRICKLE_INTERVAL_MS = 200;

async function serve(env: Record<string, string>): Promise<RunningService> {
  return startService(
    loadConfig({ PORT: '0', AUTH_JWT_SECRET: TEST_AUTH_SECRET, ...env }),
    silentLogger,
  );
}

interface Trickled {
  /** Bytes written before the server closed the connection. */
  sent: number;
  /** Everything the server answered. */
  answer: string;
}

/**
 * Sends `head` at once, then `rest` one byte every TRICKLE_INTERVAL_MS, and resolves once the
 * connection is closed, whoever closed it.
 */
function trickle(port: number, head: string, rest: string): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let sent = 0;
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => {
      if (sent < rest.length) socket.write(rest[sent++] as string);
      else socket.end();
    }, TRICKLE_INTERVAL_MS);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ sent, answer });
    });
  });
}

function expectRequestTimeout(request: string, answer: string): void {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [, ...lines] = head.split('\r\n');
  expectRawAnswerDescribed(request, {
    status: Number(head.slice('HTTP/1.1 '.length, 'HTTP/1.1 000'.length)),
    headers: Object.fromEntries(lines.map((line) => line.split(/: */, 2) as [string, string])),
    body: Buffer.from(body, 'utf8'),
  });
  expect(head).toMatch(/^HTTP\/1\.1 408 /);
  expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
  expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
  expect(JSON.parse(body)).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
}

describe('headers that arrive too slowly', () => {
  let service: RunningService;

  // The whole request may take a minute: only the headers' limit can cut the trickle short.
  beforeAll(async () => {
    service = await serve({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '60000' });
  });

  afterAll(() => service.stop());

  it('are cut off with a 408 problem long before they would have arrived', async () => {
    const headers = `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'s'.repeat(100)}\r\n\r\n`;

    const { sent, answer } = await trickle(service.port ?? 0, '', headers);

    expect(sent).toBeLessThan(headers.length);
    expectRequestTimeout(headers, answer);
  });

  it('leave an idle keep-alive connection to be closed by the server', async () => {
    const socket: Socket = connect(service.port ?? 0, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    const closedByServer = new Promise<void>((resolve) => socket.once('end', resolve));

    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await closedByServer;

    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/\r\nKeep-Alive: timeout=5\r\n/i);
    socket.destroy();
  });
});

describe('a body that arrives too slowly', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await serve({
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
      MAX_REQUESTS_IN_FLIGHT: '1',
    });
  });

  afterAll(() => service.stop());

  it('is cut off with a 408 problem long before it would have arrived', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(100), price: 1, stock: 1 });
    const head =
      'POST /products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${adminToken()}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;

    const { sent, answer } = await trickle(service.port ?? 0, head, body);

    expect(sent).toBeLessThan(body.length);
    expectRequestTimeout(head + body, answer);
  });

  it('does not hold its place among the requests in flight once cut off, even if its client stays silent', async () => {
    const url = `http://127.0.0.1:${service.port ?? 0}/products`;
    // Half-open allowed: this client neither closes nor reads once it has stopped sending.
    const silent = connect({ port: service.port ?? 0, host: '127.0.0.1', allowHalfOpen: true });
    silent.on('error', () => undefined);
    try {
      silent.write(
        'POST /products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${adminToken()}\r\n` +
          'Content-Length: 100\r\n\r\n{"name":',
      );
      await eventually(async () => expect((await fetch(url)).status).toBe(503));

      await eventually(async () => expect((await fetch(url)).status).toBe(200));
    } finally {
      silent.destroy();
    }
  });
});
