import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import { startChild, type RunningChild } from '../service/service-process';

/**
 * The read ceiling: the same product JSON as GET /products/{id}, answered from memory by Koa
 * with the same router, without validation, cache, database or logging. What the service's read
 * path costs is the distance from this.
 */
function serve(ids: string[]): void {
  const now = new Date().toISOString();
  const products = new Map(
    ids.map((id, index) => [
      id,
      {
        id,
        name: `Product ${index}`,
        price: 100 + index,
        stock: 1_000_000,
        createdAt: now,
        updatedAt: now,
      },
    ]),
  );
  const router = new Router();
  router.get('/products/:id', (ctx) => {
    const product = products.get(ctx.params.id ?? '');
    if (!product) ctx.throw(404);
    ctx.body = product;
  });
  const app = new Koa();
  app.use(router.routes());
  const server = createServer(app.callback());
  server.listen(0, () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Starts this file as a child process serving `count` products; resolves with their paths. */
export async function startBareKoa(
  count: number,
): Promise<{ child: RunningChild; paths: string[] }> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const child = await startChild({
    name: 'bare Koa',
    script: join(__dirname, 'bare-koa.js'),
    cwd: __dirname,
    env: { PRODUCT_IDS: ids.join(',') },
    ready: (log) => (log.msg === 'listening' ? (log.port ?? null) : undefined),
  });
  return { child, paths: ids.map((id) => `/products/${id}`) };
}

if (require.main === module) serve((process.env.PRODUCT_IDS ?? '').split(',').filter(Boolean));
