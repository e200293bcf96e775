import type { AuthenticateCaller } from '../../../application/access/authenticate-caller';
import type { ThrottleRequests } from '../../../application/access/throttle-requests';
import type { CreateCustomer } from '../../../application/customers/create-customer';
import type { DepositFunds } from '../../../application/customers/deposit-funds';
import type { GetCustomer } from '../../../application/customers/get-customer';
import type { ListCustomerOrders } from '../../../application/customers/list-customer-orders';
import type { GetOrder } from '../../../application/orders/get-order';
import type { PlaceOrder } from '../../../application/orders/place-order';
import type { RequestCancellation } from '../../../application/orders/request-cancellation';
import type { Logger } from '../../../application/ports/logger';
import type { CreateProduct } from '../../../application/products/create-product';
import type { GetProduct } from '../../../application/products/get-product';
import type { ListProducts } from '../../../application/products/list-products';
import type { UpdateProduct } from '../../../application/products/update-product';
import type { CheckReadiness } from '../../../application/system/check-readiness';
import type { HttpMetrics } from './request-metrics';

/**
 * Everything the HTTP adapter drives, handed in by the composition root: use cases, and where it
 * reports and logs.
 */
export interface HttpDependencies {
  authenticateCaller: AuthenticateCaller;
  throttleRequests: ThrottleRequests;
  createCustomer: CreateCustomer;
  getCustomer: GetCustomer;
  depositFunds: DepositFunds;
  listCustomerOrders: ListCustomerOrders;
  createProduct: CreateProduct;
  getProduct: GetProduct;
  listProducts: ListProducts;
  updateProduct: UpdateProduct;
  placeOrder: PlaceOrder;
  getOrder: GetOrder;
  requestCancellation: RequestCancellation;
  checkReadiness: CheckReadiness;
  logger: Logger;
  metrics: HttpMetrics;
}
