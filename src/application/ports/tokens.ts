/** One Symbol per port; the composition root binds each to the adapter the configuration picks. */
export const TOKENS = {
  CustomerRepository: Symbol.for('CustomerRepository'),
  ProductRepository: Symbol.for('ProductRepository'),
  OrderRepository: Symbol.for('OrderRepository'),
  UnitOfWork: Symbol.for('UnitOfWork'),
  ProductCache: Symbol.for('ProductCache'),
  RateLimiter: Symbol.for('RateLimiter'),
  OrderQueue: Symbol.for('OrderQueue'),
  Clock: Symbol.for('Clock'),
  IdGenerator: Symbol.for('IdGenerator'),
  Logger: Symbol.for('Logger'),
  Tracing: Symbol.for('Tracing'),
  HealthChecks: Symbol.for('HealthChecks'),
  TokenVerifier: Symbol.for('TokenVerifier'),
} as const;
