import { createApp } from '../../src/adapters/http/koa/create-app';
import type { CheckReadiness } from '../../src/application/system/check-readiness';
import { createTestApp, type TestApp } from '../support/http-app';
import { agent, expectProblem, stubDependencies } from './http-kit';

function readiness(report: { name: string; ok: boolean }[]): CheckReadiness {
  return { execute: async () => report } as unknown as CheckReadiness;
}

describe('on the memory profile', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  it('GET /health answers 200 ok', async () => {
    const response = await agent(testApp.app).get('/health').expect(200);

    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 with every dependency ok', async () => {
    const response = await agent(testApp.app).get('/ready').expect(200);

    expect(response.body).toEqual({ status: 'ok', dependencies: expect.any(Array) });
    for (const dependency of response.body.dependencies) {
      expect(dependency).toEqual({ name: expect.any(String), status: 'ok' });
    }
  });
});

describe('GET /ready when a dependency does not answer', () => {
  it('answers 503 naming it, as a problem document with Retry-After', async () => {
    const app = createApp(
      stubDependencies({
        checkReadiness: readiness([
          { name: 'database', ok: false },
          { name: 'cache', ok: true },
        ]),
      }),
    );

    const response = await agent(app).get('/ready');

    const problem = expectProblem(response, 503, 'DEPENDENCY_UNAVAILABLE');
    expect(problem.detail).toContain('database');
    expect(problem.detail).not.toContain('cache');
    expect(problem.dependencies).toEqual([
      { name: 'database', status: 'down' },
      { name: 'cache', status: 'ok' },
    ]);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps /health at 200: the process still serves', async () => {
    const app = createApp(
      stubDependencies({ checkReadiness: readiness([{ name: 'database', ok: false }]) }),
    );

    await agent(app).get('/health').expect(200);
  });
});
