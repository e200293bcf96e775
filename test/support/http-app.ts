import type Koa from 'koa';
import { createApp } from '../../src/adapters/http/koa/create-app';
import type { HttpDependencies } from '../../src/adapters/http/koa/http-dependencies';
import { loadConfig } from '../../src/config/config';
import { buildContainer } from '../../src/config/container';
import { resolveHttpDependencies, startWorkerRole } from '../../src/config/service';
import { warmUp } from '../../src/config/warm-up';
import { silentLogger } from './silent-logger';
import { TEST_AUTH_SECRET } from './tokens';

export interface TestApp {
  app: Koa;
  deps: HttpDependencies;
  close(): Promise<void>;
}

/**
 * The real composition root on the environment given (embedded in-memory adapters by default),
 * with the worker running, for supertest(app.callback()). Tokens signed with TEST_AUTH_SECRET are
 * valid unless `env` says otherwise. Its connections are opened first, as the service's are before
 * it listens: until then a rate limiter shared through Redis would count in the process.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ AUTH_JWT_SECRET: TEST_AUTH_SECRET, ...env });
  const composition = await buildContainer(config, silentLogger);
  await warmUp(composition.warmUps, silentLogger);
  await startWorkerRole(composition, config, silentLogger);
  const deps = resolveHttpDependencies(composition);
  return {
    app: createApp(deps),
    deps,
    close: () => composition.disposers.disposeAll(silentLogger),
  };
}
