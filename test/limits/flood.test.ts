import { adminToken, bearer, TEST_AUTH_SECRET } from '../support/tokens';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnManaged, type ManagedProcess } from '../faults/support/processes';
import { responseViolations } from '../support/response-conformance';

/**
 * The real service, started as `npm start` starts it (a 128 MiB heap), flooded with concurrent
 * bodies of the largest size: it must refuse what it cannot hold with 503 and Retry-After, and be
 * alive and answering afterwards. Without the bound on body bytes being read, this many bodies
 * at once exhaust that heap.
 */

const ROOT = resolve(__dirname, '../..');
const CONCURRENT_BODIES = 300;
const LARGEST = 1024 * 1024;

/** Cheap to parse: the heap holds it whole while it is read. */
const LONG_NAME = JSON.stringify({ name: 'x'.repeat(LARGEST - 40), price: 1, stock: 1 });
/** Costly to parse: 1 MiB of `{}` is a great many objects. */
const MANY_OBJECTS = `[${Array.from({ length: (LARGEST - 1) / 3 }, () => '{}').join(',')}]`;

/** An admin's requests: authenticated, so that the service reads their bodies. */
const REFUSALS = [408, 413, 422, 503];

interface Answer {
  status: number | string;
  retryAfter?: string;
  /** Whatever the document does not describe of the answer. */
  undescribed?: string[];
}

function post(port: number, agent: Agent, body: string): Promise<Answer> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/products',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...bearer(adminToken()),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const undescribed = responseViolations({
            request: { method: 'POST', url: '/products' },
            status,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
          done({ status, retryAfter: res.headers['retry-after'], undescribed });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => done({ status: error.code ?? 'error' }));
    req.end(body);
  });
}

describe('a flood of the largest bodies', () => {
  let service: ManagedProcess;
  let port: number;

  beforeAll(async () => {
    // What `npm start` runs: this source, built.
    await promisify(execFile)(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT },
    );
    port = await freePort();
    service = spawnManaged(
      'flooded',
      process.execPath,
      ['--max-old-space-size=128', '--max-semi-space-size=8', join(ROOT, 'dist/main.js')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          AUTH_JWT_SECRET: TEST_AUTH_SECRET,
          SHUTDOWN_DRAIN_MS: '0',
        },
        logFile: join(mkdtempSync(join(tmpdir(), 'flood-')), 'service.log'),
      },
    );
    await service.waitForLine((line) => line.includes('"msg":"order service started"'), 60_000);
  }, 180_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
  });

  it('refuses what it cannot hold with 503 and Retry-After, and still serves', async () => {
    const agent = new Agent({ maxSockets: CONCURRENT_BODIES });
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT_BODIES }, (_, i) =>
        post(port, agent, i % 2 === 0 ? LONG_NAME : MANY_OBJECTS),
      ),
    );
    agent.destroy();

    expect(service.running).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(answers.some(({ status, retryAfter }) => status === 503 && retryAfter === '1')).toBe(
      true,
    );
    const answered = answers.filter(({ status }) => typeof status === 'number');
    expect(answered.filter(({ status }) => !REFUSALS.includes(status as number))).toEqual([]);
    expect(answered.flatMap(({ undescribed }) => undescribed ?? [])).toEqual([]);
  });
});
