import type { Container, ServiceIdentifier } from 'inversify';
import type { Clock } from '../../application/ports/clock';
import type { IdGenerator } from '../../application/ports/id-generator';
import type { Tracing } from '../../application/ports/tracing';
import type { UnitOfWork } from '../../application/ports/unit-of-work';
import type { OrderQueue } from '../../application/ports/order-queue';
import type { OrderRepository } from '../../application/ports/order-repository';
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
import type { HealthCheck } from '../../application/ports/health-check';
import { TOKENS } from '../../application/ports/tokens';
import { CreateProduct } from '../../application/products/create-product';
import { GetProduct } from '../../application/products/get-product';
import { ListProducts } from '../../application/products/list-products';
import { UpdateProduct } from '../../application/products/update-product';
import { CheckReadiness } from '../../application/system/check-readiness';
import { RehearseOrderProcessing } from '../../application/system/rehearse-order-processing';
import type { AppConfig } from '../config';

const T = TOKENS;

/** Use cases need no decorators: each is built by a factory from the ports it names. */
export function bindUseCases(container: Container, config: AppConfig): void {
  const bind = <A extends unknown[], R>(
    useCase: new (...args: A) => R,
    factory: (...args: A) => R,
    tokens: ServiceIdentifier[],
  ) => container.bind(useCase).toResolvedValue(factory as (...args: unknown[]) => R, tokens);

  if (config.auth) {
    bind(AuthenticateCaller, (...a) => new AuthenticateCaller(...a), [T.TokenVerifier]);
  }
  bind(ThrottleRequests, (...a) => new ThrottleRequests(...a), [T.RateLimiter]);
  bind(CreateCustomer, (...a) => new CreateCustomer(...a), [T.UnitOfWork, T.IdGenerator, T.Clock]);
  bind(GetCustomer, (...a) => new GetCustomer(...a), [T.CustomerRepository]);
  bind(DepositFunds, (...a) => new DepositFunds(...a), [T.UnitOfWork, T.Clock]);
  bind(ListCustomerOrders, (...a) => new ListCustomerOrders(...a), [
    T.CustomerRepository,
    T.OrderRepository,
  ]);
  bind(CreateProduct, (...a) => new CreateProduct(...a), [T.UnitOfWork, T.IdGenerator, T.Clock]);
  bind(GetProduct, (...a) => new GetProduct(...a), [T.ProductRepository, T.ProductCache, T.Logger]);
  bind(ListProducts, (...a) => new ListProducts(...a), [T.ProductRepository]);
  bind(UpdateProduct, (...a) => new UpdateProduct(...a), [
    T.UnitOfWork,
    T.ProductCache,
    T.Clock,
    T.Logger,
  ]);
  container
    .bind(AdmissionControl)
    .toResolvedValue(
      (queue: OrderQueue, clock: Clock) => new AdmissionControl(queue, clock, config.admission),
      [T.OrderQueue, T.Clock],
    );
  bind(PublishAfterCommit, (...a) => new PublishAfterCommit(...a), [T.OrderQueue, T.Logger]);
  container
    .bind(PlaceOrder)
    .toResolvedValue(
      (
        uow: UnitOfWork,
        orders: OrderRepository,
        publisher: PublishAfterCommit,
        admission: AdmissionControl,
        ids: IdGenerator,
        clock: Clock,
        tracing: Tracing,
      ) =>
        new PlaceOrder(uow, orders, publisher, admission, ids, clock, config.apiBatching, tracing),
      [
        T.UnitOfWork,
        T.OrderRepository,
        PublishAfterCommit,
        AdmissionControl,
        T.IdGenerator,
        T.Clock,
        T.Tracing,
      ],
    );
  bind(GetOrder, (...a) => new GetOrder(...a), [T.OrderRepository]);
  container
    .bind(RequestCancellation)
    .toResolvedValue(
      (uow: UnitOfWork, publisher: PublishAfterCommit, clock: Clock, tracing: Tracing) =>
        new RequestCancellation(uow, publisher, clock, config.apiBatching, tracing),
      [T.UnitOfWork, PublishAfterCommit, T.Clock, T.Tracing],
    );
  bind(ProcessOrderJobs, (...a) => new ProcessOrderJobs(...a), [
    T.UnitOfWork,
    T.ProductCache,
    T.Clock,
    T.Logger,
  ]);
  bind(FailDeadLetteredOrder, (...a) => new FailDeadLetteredOrder(...a), [T.UnitOfWork, T.Clock]);
  container.bind(RepublishStalledWork).toResolvedValue(
    (orders: OrderRepository, queue: OrderQueue, clock: Clock) =>
      new RepublishStalledWork(orders, queue, clock, {
        ...config.worker.republish,
        publishSize: config.apiBatching.maxSize,
      }),
    [T.OrderRepository, T.OrderQueue, T.Clock],
  );
  bind(RehearseOrderProcessing, (...a) => new RehearseOrderProcessing(...a), [
    T.UnitOfWork,
    T.IdGenerator,
    T.Clock,
    T.Logger,
  ]);
  container
    .bind(CheckReadiness)
    .toResolvedValue(
      (checks: HealthCheck[]) => new CheckReadiness(checks, config.readinessTimeoutMs),
      [T.HealthChecks],
    );
}
