import { customerId } from '../../../../domain/shared/ids';
import { jsonContent, LOCATION, STORE_ERRORS } from '../documented-responses';
import type { HttpApi } from '../endpoint';
import type { HttpDependencies } from '../http-dependencies';
import { pageRequest, presentPage } from '../pagination';
import { presentCustomer, presentOrder } from '../presenters';
import {
  CreateCustomerBody,
  CustomerOrdersPage,
  CustomerSchema,
  DepositBody,
  IdParams,
  PageQuery,
} from '../schemas';

type Deps = Pick<
  HttpDependencies,
  'createCustomer' | 'getCustomer' | 'depositFunds' | 'listCustomerOrders'
>;

export function customerRoutes(api: HttpApi, deps: Deps): void {
  const tag = 'Customers';

  api.endpoint({
    method: 'post',
    path: '/customers',
    operationId: 'createCustomer',
    access: 'createCustomer',
    summary: 'Create a customer',
    tag,
    body: CreateCustomerBody,
    errors: ['EMAIL_TAKEN', ...STORE_ERRORS],
    responses: {
      201: {
        description: 'The new customer.',
        headers: { Location: LOCATION },
        content: jsonContent(CustomerSchema),
      },
    },
    handle: async ({ caller, body }, ctx) => {
      const customer = await deps.createCustomer.execute(caller, {
        ...body,
        balance: body.balance ?? 0,
      });
      ctx.status = 201;
      ctx.set('Location', `/customers/${encodeURIComponent(customer.id)}`);
      ctx.body = presentCustomer(customer);
    },
  });

  api.endpoint({
    method: 'get',
    path: '/customers/{id}',
    operationId: 'getCustomer',
    access: 'getCustomer',
    summary: 'Read a customer',
    tag,
    params: IdParams,
    errors: STORE_ERRORS,
    responses: { 200: { description: 'The customer.', content: jsonContent(CustomerSchema) } },
    handle: async ({ caller, params }, ctx) => {
      ctx.body = presentCustomer(await deps.getCustomer.execute(caller, customerId(params.id)));
    },
  });

  api.endpoint({
    method: 'post',
    path: '/customers/{id}/deposits',
    operationId: 'depositFunds',
    access: 'depositFunds',
    summary: 'Add funds to a customer balance',
    description: 'Applied atomically and synchronously; answers the customer with its new balance.',
    tag,
    params: IdParams,
    body: DepositBody,
    errors: ['AMOUNT_TOO_LARGE', ...STORE_ERRORS],
    responses: {
      200: { description: 'The customer after the deposit.', content: jsonContent(CustomerSchema) },
    },
    handle: async ({ caller, params, body }, ctx) => {
      const customer = await deps.depositFunds.execute(caller, {
        customerId: customerId(params.id),
        amount: body.amount,
      });
      ctx.body = presentCustomer(customer);
    },
  });

  api.endpoint({
    method: 'get',
    path: '/customers/{id}/orders',
    operationId: 'listCustomerOrders',
    access: 'listCustomerOrders',
    summary: "List a customer's orders, newest first",
    tag,
    params: IdParams,
    query: PageQuery,
    errors: STORE_ERRORS,
    responses: {
      200: { description: 'One page of orders.', content: jsonContent(CustomerOrdersPage) },
    },
    handle: async ({ caller, params, query }, ctx) => {
      const page = await deps.listCustomerOrders.execute(
        caller,
        customerId(params.id),
        pageRequest(query),
      );
      ctx.body = presentPage(page, presentOrder);
    },
  });
}
