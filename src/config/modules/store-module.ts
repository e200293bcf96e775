import type { Container } from 'inversify';
import { TOKENS } from '../../application/ports/tokens';
import type { PrometheusMetrics } from '../../adapters/metrics/prometheus/prometheus-metrics';
import type { HealthCheck } from '../../application/ports/health-check';
import { MemoryStore } from '../../adapters/persistence/memory/memory-store';
import { MysqlStore } from '../../adapters/persistence/mysql/mysql-store';
import type { StoreConfig } from '../config';
import type { Disposers } from '../disposers';
import type { WarmUp } from '../warm-up';
import { bindValue } from '../bindings';

/** Binds the repositories and the unit of work of the configured store. */
export async function bindStore(
  container: Container,
  config: StoreConfig,
  metrics: PrometheusMetrics,
  disposers: Disposers,
  checks: HealthCheck[],
  warmUps: WarmUp[],
): Promise<void> {
  let store: MemoryStore | MysqlStore;
  switch (config.driver) {
    case 'memory':
      store = new MemoryStore();
      break;
    case 'mysql': {
      const mysql = await MysqlStore.connect({
        url: config.url,
        poolSize: config.poolSize,
        maxWaiting: config.poolMaxWaiting,
      });
      disposers.push('mysql pool', () => mysql.close());
      checks.push({ name: 'database', check: () => mysql.ping() });
      warmUps.push({ name: 'database connections', run: () => mysql.warm() });
      metrics.watchPool(() => mysql.poolUsage());
      store = mysql;
      break;
    }
  }
  bindValue(container, TOKENS.CustomerRepository, store.customers);
  bindValue(container, TOKENS.ProductRepository, store.products);
  bindValue(container, TOKENS.OrderRepository, store.orders);
  bindValue(container, TOKENS.UnitOfWork, store.unitOfWork);
}
