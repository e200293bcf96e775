import type { Context } from 'koa';
import type { Readiness } from '../../../../application/system/check-readiness';
import { jsonContent, RETRY_AFTER } from '../documented-responses';
import type { HttpApi } from '../endpoint';
import { problemDocument, sendProblem } from '../error-middleware';
import type { HttpDependencies } from '../http-dependencies';
import type { HttpMetrics } from '../request-metrics';
import { HealthSchema, MetricsSchema, NotReadySchema, ReadinessSchema } from '../schemas';

type Deps = Pick<HttpDependencies, 'checkReadiness' | 'metrics'>;

/** Liveness: the process serves. */
export function answerHealth(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { status: 'ok' };
}

/** 200 while the service can serve (degraded without its cache), 503 naming what it lacks. */
export function answerReadiness(ctx: Context, readiness: Readiness): void {
  const { status, dependencies: checked } = readiness;
  const dependencies = checked.map(({ name, ok }) => ({ name, status: ok ? 'ok' : 'down' }));
  ctx.set('Cache-Control', 'no-store');
  if (status === 'ready' || status === 'degraded') {
    ctx.body = { status: status === 'ready' ? 'ok' : 'degraded', dependencies };
    return;
  }
  if (status === 'draining') {
    sendProblem(ctx, {
      ...problemDocument('SHUTTING_DOWN', 'Not ready: this process is shutting down'),
      dependencies,
    });
    return;
  }
  const down = checked.filter((check) => !check.ok && !check.optional).map((check) => check.name);
  sendProblem(ctx, {
    ...problemDocument(
      'DEPENDENCY_UNAVAILABLE',
      `Not ready: ${down.join(', ')} ${down.length === 1 ? 'does' : 'do'} not answer`,
    ),
    dependencies,
  });
}

export async function answerMetrics(ctx: Context, metrics: HttpMetrics): Promise<void> {
  const text = await metrics.exposition();
  ctx.set('Cache-Control', 'no-store');
  ctx.type = metrics.contentType;
  ctx.body = text;
}

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
    handle: async (_input, ctx) => answerHealth(ctx),
  });

  api.endpoint({
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    access: 'system',
    summary: 'Readiness: every required dependency answers and the process is not shutting down',
    tag,
    responses: {
      200: {
        description: 'Ready; `degraded` when only the cache does not answer.',
        content: jsonContent(ReadinessSchema),
      },
      503: {
        description:
          'DEPENDENCY_UNAVAILABLE: a required dependency does not answer; it is named. ' +
          'SHUTTING_DOWN: the process is draining before it stops.',
        headers: { 'Retry-After': RETRY_AFTER },
        content: { 'application/problem+json': { schema: NotReadySchema } },
      },
    },
    handle: async (_input, ctx) => answerReadiness(ctx, await deps.checkReadiness.execute()),
  });

  api.endpoint({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    access: 'system',
    summary: 'Prometheus metrics of this process',
    description:
      'Counters, histograms and gauges of the order pipeline, HTTP and the process, with bounded ' +
      'labels and no customer data (README, "Operations").',
    tag,
    responses: {
      200: {
        description: 'The exposition, text format 0.0.4.',
        content: { 'text/plain': { schema: MetricsSchema } },
      },
    },
    handle: async (_input, ctx) => answerMetrics(ctx, deps.metrics),
  });
}
