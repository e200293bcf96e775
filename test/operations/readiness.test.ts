import { loadConfig } from '../../src/config/config';
import { startService, type RunningService } from '../../src/config/service';
import { agent } from '../http/http-kit';
import { createTestApp } from '../support/http-app';
import { silentLogger } from '../support/silent-logger';
import { TEST_AUTH_SECRET } from '../support/tokens';

describe('readiness for a load balancer', () => {
  it('keeps the API in rotation when its Redis cache does not answer: 200, degraded', async () => {
    // Nothing listens on port 1; the queue stays in the process.
    const testApp = await createTestApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_DRIVER: 'memory',
    });
    try {
      const response = await agent(testApp.app).get('/ready').expect(200);
      expect(response.body.status).toBe('degraded');
      expect(response.body.dependencies).toContainEqual({ name: 'cache', status: 'down' });
    } finally {
      await testApp.close();
    }
  });

  describe('on SIGTERM (drain, then stop)', () => {
    let service: RunningService;
    const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;

    beforeAll(async () => {
      service = await startService(
        loadConfig({ PORT: '0', SHUTDOWN_DRAIN_MS: '3000', AUTH_JWT_SECRET: TEST_AUTH_SECRET }),
        silentLogger,
      );
    });

    it('answers 503 at /ready at once, serves every other request while draining, then stops', async () => {
      expect((await fetch(url('/ready'))).status).toBe(200);

      const draining = service.drain();

      const ready = await fetch(url('/ready'));
      const problem = (await ready.json()) as { code: string };
      expect({ status: ready.status, code: problem.code }).toEqual({
        status: 503,
        code: 'SHUTTING_DOWN',
      });
      expect(ready.headers.get('retry-after')).toBe('1');
      expect((await fetch(url('/health'))).status).toBe(200);
      expect((await fetch(url('/products'))).status).toBe(200);
      await draining;
      await service.stop();
      await expect(fetch(url('/health'))).rejects.toThrow();
    });
  });
});
