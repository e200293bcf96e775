import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { AccessGuard } from './access-guard';
import type { AccessLog } from './access-log';
import { errorMiddleware, HttpProblem } from './error-middleware';
import { HttpApi } from './endpoint';
import type { HttpDependencies } from './http-dependencies';
import { openApiDocument, type OpenApiDocument } from './openapi';
import { requestId } from './request-id';
import { measureRequests } from './request-metrics';
import {
  DEFAULT_IN_FLIGHT_LIMITS,
  requestsInFlight,
  type InFlightLimits,
} from './requests-in-flight';
import { customerRoutes } from './routes/customer-routes';
import { docsRoutes } from './routes/docs-routes';
import { orderRoutes } from './routes/order-routes';
import { productRoutes } from './routes/product-routes';
import { systemRoutes } from './routes/system-routes';
import { noSniffEveryAnswer } from './security-headers';

export interface AppOptions {
  /** Largest accepted JSON body, in `bytes` notation; the contract says 1 MiB. */
  bodyLimit?: string;
  /** Requests, and request body bytes, served at once; past them the answer is 503. */
  inFlight?: InFlightLimits;
  /** One line per request; none when left out (tests, tools). */
  accessLog?: AccessLog;
}

/** Reached only when no route answered: a wrong method on a known path, or an unknown path. */
function unmatched(router: Router): Middleware {
  return (ctx) => {
    const allowed = new Set(
      router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods),
    );
    if (allowed.size > 0 && !allowed.has(ctx.method)) {
      const allow = [...allowed].join(', ');
      if (ctx.method === 'OPTIONS') {
        ctx.status = 204;
        ctx.set('Allow', allow);
        return;
      }
      throw new HttpProblem('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here`, {
        Allow: allow,
      });
    }
    throw new HttpProblem('ROUTE_NOT_FOUND', `No route answers ${ctx.method} ${ctx.path}`);
  };
}

/** The HTTP adapter as a Koa application; the caller decides where it listens. */
export function createApp(deps: HttpDependencies, options: AppOptions = {}): Koa {
  const guard = new AccessGuard(deps.authenticateCaller, deps.throttleRequests);
  // Once per request: an unknown /docs asset falls through to the unmatched routes.
  const anonymous: Middleware = async (ctx, next) => {
    if (!ctx.state.admittedAnonymously) await guard.admit(ctx, 'public');
    ctx.state.admittedAnonymously = true;
    await next();
  };
  const api = new HttpApi(guard, options.bodyLimit ?? '1mb');
  customerRoutes(api, deps);
  productRoutes(api, deps);
  orderRoutes(api, deps);
  systemRoutes(api, deps);
  let document: OpenApiDocument | undefined;
  docsRoutes(api.router, () => (document ??= openApiDocument(api.registry)), anonymous);

  const app = new Koa();
  app.on('error', (error: unknown) => {
    deps.logger.error('HTTP error outside the request pipeline', { error: String(error) });
  });
  app.use(measureRequests(deps.metrics)).use(noSniffEveryAnswer()).use(requestId());
  if (options.accessLog) app.use(options.accessLog.middleware());
  app
    .use(errorMiddleware(deps.logger))
    .use(requestsInFlight(options.inFlight ?? DEFAULT_IN_FLIGHT_LIMITS))
    .use(api.router.routes())
    .use(anonymous)
    .use(unmatched(api.router));
  return app;
}
