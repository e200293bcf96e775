import type { Clock } from './clock';
import type { CustomerRepository } from './customer-repository';
import type { HealthCheck } from './health-check';
import type { IdGenerator } from './id-generator';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { OrderQueue } from './order-queue';
import type { OrderRepository } from './order-repository';
import type { ProductCache } from './product-cache';
import type { ProductRepository } from './product-repository';
import type { RateLimiter } from './rate-limiter';
import type { TokenVerifier } from './token-verifier';
import type { Tracing } from './tracing';
import type { UnitOfWork } from './unit-of-work';

declare const port: unique symbol;

/**
 * A port's service identifier: a symbol that also names, for the compiler only, the type bound to
 * it, so that the composition root cannot bind or inject it as another (see config/bindings.ts).
 */
export type Token<T> = symbol & { readonly [port]: T };

const token = <T>(name: string): Token<T> => Symbol.for(name) as Token<T>;

/** One Symbol per port; the composition root binds each to the adapter the configuration picks. */
export const TOKENS = {
  CustomerRepository: token<CustomerRepository>('CustomerRepository'),
  ProductRepository: token<ProductRepository>('ProductRepository'),
  OrderRepository: token<OrderRepository>('OrderRepository'),
  UnitOfWork: token<UnitOfWork>('UnitOfWork'),
  ProductCache: token<ProductCache>('ProductCache'),
  RateLimiter: token<RateLimiter>('RateLimiter'),
  OrderQueue: token<OrderQueue>('OrderQueue'),
  Clock: token<Clock>('Clock'),
  IdGenerator: token<IdGenerator>('IdGenerator'),
  Logger: token<Logger>('Logger'),
  Metrics: token<Metrics>('Metrics'),
  Tracing: token<Tracing>('Tracing'),
  HealthChecks: token<HealthCheck[]>('HealthChecks'),
  TokenVerifier: token<TokenVerifier>('TokenVerifier'),
} as const;
