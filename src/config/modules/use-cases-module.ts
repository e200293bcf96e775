import type { Container } from 'inversify';
import { AuthenticateCaller } from '../../application/access/authenticate-caller';
import { ThrottleRequests } from '../../application/access/throttle-requests';
import { CreateCustomer } from '../../application/customers/create-customer';
import { DepositFunds } from '../../application/customers/deposit-funds';
import { GetCustomer } from '../../application/customers/get-customer';
import { ListCustomerOrders } from '../../application/customers/list-customer-orders';
import { AdmissionControl } from '../../application/orders/admission-control';
import { FailDeadLetteredOrder } from '../../application/orders/fail-dead-lettered-order';
import { GetOrder } from '../../application/orders/get-order';
import { PlaceOrder } from '../../application/orders/place-order';
import { PublishAfterCommit } from '../../application/orders/publish-after-commit';
import { ProcessOrderJobs } from '../../application/orders/process-order-jobs';
import { RepublishStalledWork } from '../../application/orders/republish-stalled-work';
import { RequestCancellation } from '../../application/orders/request-cancellation';
import { TOKENS } from '../../application/ports/tokens';
import { CreateProduct } from '../../application/products/create-product';
import { GetProduct } from '../../application/products/get-product';
import { ListProducts } from '../../application/products/list-products';
import { UpdateProduct } from '../../application/products/update-product';
import { CheckReadiness } from '../../application/system/check-readiness';
import { RehearseOrderProcessing } from '../../application/system/rehearse-order-processing';
import { bindClass, bindFactory } from '../bindings';
import type { AppConfig } from '../config';

const T = TOKENS;

/** Use cases need no decorators: each is built from the ports it names, checked by the compiler. */
export function bindUseCases(container: Container, config: AppConfig): void {
  if (config.auth) bindClass(container, AuthenticateCaller, [T.TokenVerifier]);
  bindClass(container, ThrottleRequests, [T.RateLimiter, T.Metrics]);
  bindClass(container, CreateCustomer, [T.UnitOfWork, T.IdGenerator, T.Clock]);
  bindClass(container, GetCustomer, [T.CustomerRepository]);
  bindClass(container, DepositFunds, [T.UnitOfWork, T.Clock]);
  bindClass(container, ListCustomerOrders, [T.CustomerRepository, T.OrderRepository]);
  bindClass(container, CreateProduct, [T.UnitOfWork, T.IdGenerator, T.Clock]);
  bindClass(container, GetProduct, [T.ProductRepository, T.ProductCache, T.Logger]);
  bindClass(container, ListProducts, [T.ProductRepository]);
  bindClass(container, UpdateProduct, [T.UnitOfWork, T.ProductCache, T.Clock, T.Logger]);
  bindFactory(
    container,
    AdmissionControl,
    [T.OrderQueue, T.Clock],
    (queue, clock) => new AdmissionControl(queue, clock, config.admission),
  );
  bindClass(container, PublishAfterCommit, [T.OrderQueue, T.Logger]);
  bindFactory(
    container,
    PlaceOrder,
    [
      T.UnitOfWork,
      PublishAfterCommit,
      AdmissionControl,
      T.IdGenerator,
      T.Clock,
      T.Metrics,
      T.Tracing,
    ],
    (uow, publisher, admission, ids, clock, metrics, tracing) =>
      new PlaceOrder(uow, publisher, admission, ids, clock, metrics, config.apiBatching, tracing),
  );
  bindClass(container, GetOrder, [T.OrderRepository]);
  bindFactory(
    container,
    RequestCancellation,
    [T.UnitOfWork, PublishAfterCommit, T.Clock, T.Tracing],
    (uow, publisher, clock, tracing) =>
      new RequestCancellation(uow, publisher, clock, config.apiBatching, tracing),
  );
  bindClass(container, ProcessOrderJobs, [
    T.UnitOfWork,
    T.ProductCache,
    T.Clock,
    T.Logger,
    T.Metrics,
  ]);
  bindClass(container, FailDeadLetteredOrder, [T.UnitOfWork, T.Clock, T.Metrics]);
  bindFactory(
    container,
    RepublishStalledWork,
    [T.OrderRepository, T.OrderQueue, T.Clock, T.Metrics],
    (orders, queue, clock, metrics) =>
      new RepublishStalledWork(orders, queue, clock, metrics, {
        ...config.worker.republish,
        publishSize: config.apiBatching.maxSize,
      }),
  );
  bindClass(container, RehearseOrderProcessing, [T.UnitOfWork, T.IdGenerator, T.Clock, T.Logger]);
  bindFactory(
    container,
    CheckReadiness,
    [T.HealthChecks],
    (checks) => new CheckReadiness(checks, config.readinessTimeoutMs),
  );
}
