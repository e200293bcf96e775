import { adminToken, bearer } from '../support/tokens';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createApp } from '../../src/adapters/http/koa/create-app';
import type { HttpDependencies } from '../../src/adapters/http/koa/http-dependencies';
import {
  LARGEST_BODY_BYTES,
  type InFlightLimits,
} from '../../src/adapters/http/koa/requests-in-flight';
import type { CreateProduct } from '../../src/application/products/create-product';
import type { GetProduct } from '../../src/application/products/get-product';
import { CheckReadiness } from '../../src/application/system/check-readiness';
import type { Product } from '../../src/domain/product/product';
import { productId } from '../../src/domain/shared/ids';
import { stubDependencies } from './http-kit';

const HELD_PRODUCT: Product = {
  id: productId('held'),
  name: 'Held',
  price: 1,
  stock: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

/** A use case whose calls wait until the test releases them, then answer one product. */
class HeldUseCase {
  private entered = 0;
  private readonly waiters: (() => void)[] = [];
  private releaseAll: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.releaseAll = resolve));

  readonly execute = async (): Promise<Product> => {
    this.entered += 1;
    for (const waiter of this.waiters.splice(0)) waiter();
    await this.released;
    return HELD_PRODUCT;
  };

  /** Resolves once `count` calls have reached the use case. */
  async reached(count: number): Promise<void> {
    while (this.entered < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.releaseAll();
  }
}

const VALID_PRODUCT = JSON.stringify({ name: 'Lamp', price: 2500, stock: 3 });

describe('the bound on requests in flight', () => {
  let server: Server;
  let base: string;
  let held: HeldUseCase;

  async function serve(limits: InFlightLimits, deps: Partial<HttpDependencies>): Promise<void> {
    const app = createApp(stubDependencies(deps), { inFlight: limits });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const ok = new CheckReadiness([], 1000);

  beforeEach(() => {
    held = new HeldUseCase();
  });

  afterEach(async () => {
    held.release();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function expectOverloaded(response: Response): Promise<void> {
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ status: 503, code: 'OVERLOADED' });
  }

  it('refuses requests past it with 503 OVERLOADED and Retry-After, until one finishes', async () => {
    await serve(
      { requests: 2, bodyBytes: LARGEST_BODY_BYTES },
      { getProduct: held as unknown as GetProduct },
    );
    const first = fetch(`${base}/products/a`);
    const second = fetch(`${base}/products/b`);
    await held.reached(2);

    await expectOverloaded(await fetch(`${base}/products/c`));

    held.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await fetch(`${base}/products/d`)).status).toBe(200);
  });

  it('still answers /health and /ready while it is full: a load balancer must see the process', async () => {
    await serve(
      { requests: 1, bodyBytes: LARGEST_BODY_BYTES },
      { getProduct: held as unknown as GetProduct, checkReadiness: ok },
    );
    const holding = fetch(`${base}/products/a`);
    await held.reached(1);

    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    await expectOverloaded(await fetch(`${base}/products/b`));

    held.release();
    await holding;
  });

  it('refuses a body that would take the bodies being read past their bound, not a request without one', async () => {
    await serve(
      { requests: 10, bodyBytes: LARGEST_BODY_BYTES },
      {
        createProduct: held as unknown as CreateProduct,
        getProduct: held as unknown as GetProduct,
      },
    );
    // Valid JSON of the largest size: it reaches the use case holding its whole reservation.
    const largest = VALID_PRODUCT.padEnd(LARGEST_BODY_BYTES, ' ');
    const holding = fetch(`${base}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(adminToken()) },
      body: largest,
    });
    await held.reached(1);

    await expectOverloaded(
      await fetch(`${base}/products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(adminToken()) },
        body: VALID_PRODUCT,
      }),
    );
    const read = fetch(`${base}/products/a`);
    await held.reached(2);

    held.release();
    expect((await holding).status).toBe(201);
    expect((await read).status).toBe(200);
  });

  it.each([
    [
      'compressed',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      () => gzipSync(VALID_PRODUCT),
    ],
    [
      'chunked',
      { 'content-type': 'application/json' },
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(VALID_PRODUCT));
            controller.close();
          },
        }),
    ],
  ])(
    'charges a %s body the whole body limit, whatever its length',
    async (_kind, headers, body) => {
      await serve(
        { requests: 10, bodyBytes: LARGEST_BODY_BYTES },
        { createProduct: held as unknown as CreateProduct },
      );
      const holding = fetch(`${base}/products`, {
        method: 'POST',
        headers: { ...headers, ...bearer(adminToken()) },
        body: body(),
        duplex: 'half',
      } as RequestInit);
      await held.reached(1);

      await expectOverloaded(
        await fetch(`${base}/products`, {
          method: 'POST',
          headers: { ...headers, ...bearer(adminToken()) },
          body: body(),
          duplex: 'half',
        } as RequestInit),
      );

      held.release();
      expect((await holding).status).toBe(201);
    },
  );
});
