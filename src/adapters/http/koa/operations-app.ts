import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../../../application/ports/logger';
import type { CheckReadiness } from '../../../application/system/check-readiness';
import { errorMiddleware, HttpProblem } from './error-middleware';
import { requestId } from './request-id';
import { measureRequests, type HttpMetrics } from './request-metrics';
import { answerHealth, answerMetrics, answerReadiness } from './routes/system-routes';
import { noSniffEveryAnswer } from './security-headers';

export interface OperationsDependencies {
  checkReadiness: CheckReadiness;
  metrics: HttpMetrics;
  logger: Logger;
}

/**
 * What a process that serves no API (a worker alone) answers on its port: /health, /ready and
 * /metrics, as the API answers them; anything else is 404.
 */
export function createOperationsApp(deps: OperationsDependencies): Koa {
  const router = new Router();
  router.get('/health', (ctx) => answerHealth(ctx));
  router.get('/ready', async (ctx) => answerReadiness(ctx, await deps.checkReadiness.execute()));
  router.get('/metrics', (ctx) => answerMetrics(ctx, deps.metrics));
  const app = new Koa();
  app.on('error', (error: unknown) => {
    deps.logger.error('HTTP error outside the request pipeline', { error: String(error) });
  });
  app
    .use(measureRequests(deps.metrics))
    .use(noSniffEveryAnswer())
    .use(requestId())
    .use(errorMiddleware(deps.logger))
    .use(router.routes())
    .use((ctx) => {
      throw new HttpProblem('ROUTE_NOT_FOUND', `No route answers ${ctx.method} ${ctx.path}`);
    });
  return app;
}
