import { jsonContent, RETRY_AFTER } from '../documented-responses';
import type { HttpApi } from '../endpoint';
import { problemDocument, sendProblem } from '../error-middleware';
import type { HttpDependencies } from '../http-dependencies';
import { HealthSchema, NotReadySchema, ReadinessSchema } from '../schemas';

type Deps = Pick<HttpDependencies, 'checkReadiness'>;

export function systemRoutes(api: HttpApi, deps: Deps): void {
  const tag = 'System';

  api.endpoint({
    method: 'get',
    path: '/health',
    operationId: 'health',
    access: 'system',
    summary: 'Liveness: the process serves',
    tag,
    responses: { 200: { description: 'Alive.', content: jsonContent(HealthSchema) } },
    handle: async (_input, ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
    },
  });

  api.endpoint({
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    access: 'system',
    summary: 'Readiness: every configured dependency answers',
    tag,
    responses: {
      200: { description: 'Ready.', content: jsonContent(ReadinessSchema) },
      503: {
        description: 'DEPENDENCY_UNAVAILABLE: a dependency does not answer; it is named.',
        headers: { 'Retry-After': RETRY_AFTER },
        content: { 'application/problem+json': { schema: NotReadySchema } },
      },
    },
    handle: async (_input, ctx) => {
      const checks = await deps.checkReadiness.execute();
      const dependencies = checks.map(({ name, ok }) => ({ name, status: ok ? 'ok' : 'down' }));
      const down = checks.filter((check) => !check.ok).map((check) => check.name);
      ctx.set('Cache-Control', 'no-store');
      if (down.length === 0) {
        ctx.body = { status: 'ok', dependencies };
        return;
      }
      sendProblem(ctx, {
        ...problemDocument(
          'DEPENDENCY_UNAVAILABLE',
          `Not ready: ${down.join(', ')} ${down.length === 1 ? 'does' : 'do'} not answer`,
        ),
        dependencies,
      });
    },
  });
}
