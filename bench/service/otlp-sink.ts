import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the service exports its traces in a `--traces` run, and what arrived there. */
export interface OtlpSink {
  /** An OTLP/HTTP traces endpoint (`…/v1/traces`). */
  url: string;
  received(): { requests: number; bytes: number };
  close(): Promise<void>;
}

/**
 * Takes OTLP/HTTP trace exports and drops them, answering success: what tracing costs the service
 * is then measured without a collector's own load on the two cores.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received: () => ({ requests, bytes }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
