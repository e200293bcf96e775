import { productId } from '../../../../domain/shared/ids';
import { jsonContent, LOCATION, STORE_ERRORS } from '../documented-responses';
import type { HttpApi } from '../endpoint';
import type { HttpDependencies } from '../http-dependencies';
import { pageRequest, presentPage } from '../pagination';
import { presentProduct } from '../presenters';
import {
  CreateProductBody,
  IdParams,
  PageQuery,
  ProductPage,
  ProductSchema,
  UpdateProductBody,
} from '../schemas';

type Deps = Pick<
  HttpDependencies,
  'createProduct' | 'getProduct' | 'listProducts' | 'updateProduct'
>;

export function productRoutes(api: HttpApi, deps: Deps): void {
  const tag = 'Products';

  api.endpoint({
    method: 'post',
    path: '/products',
    operationId: 'createProduct',
    access: 'createProduct',
    summary: 'Create a product',
    tag,
    body: CreateProductBody,
    errors: STORE_ERRORS,
    responses: {
      201: {
        description: 'The new product.',
        headers: { Location: LOCATION },
        content: jsonContent(ProductSchema),
      },
    },
    handle: async ({ caller, body }, ctx) => {
      const product = await deps.createProduct.execute(caller, body);
      ctx.status = 201;
      ctx.set('Location', `/products/${encodeURIComponent(product.id)}`);
      ctx.body = presentProduct(product);
    },
  });

  api.endpoint({
    method: 'get',
    path: '/products',
    operationId: 'listProducts',
    access: 'public',
    summary: 'List products, newest first',
    tag,
    query: PageQuery,
    errors: STORE_ERRORS,
    responses: { 200: { description: 'One page of products.', content: jsonContent(ProductPage) } },
    handle: async ({ query }, ctx) => {
      ctx.body = presentPage(await deps.listProducts.execute(pageRequest(query)), presentProduct);
    },
  });

  api.endpoint({
    method: 'get',
    path: '/products/{id}',
    operationId: 'getProduct',
    access: 'public',
    summary: 'Read a product',
    description: 'Served through the cache; shows a change to the product within 1 second.',
    tag,
    params: IdParams,
    errors: STORE_ERRORS,
    responses: { 200: { description: 'The product.', content: jsonContent(ProductSchema) } },
    handle: async ({ params }, ctx) => {
      ctx.body = presentProduct(await deps.getProduct.execute(productId(params.id)));
    },
  });

  api.endpoint({
    method: 'patch',
    path: '/products/{id}',
    operationId: 'updateProduct',
    access: 'updateProduct',
    summary: 'Change a product',
    description: 'Send at least one of name, price, stock.',
    tag,
    params: IdParams,
    body: UpdateProductBody,
    errors: ['AMOUNT_TOO_LARGE', ...STORE_ERRORS],
    responses: {
      200: { description: 'The changed product.', content: jsonContent(ProductSchema) },
    },
    handle: async ({ caller, params, body }, ctx) => {
      ctx.body = presentProduct(
        await deps.updateProduct.execute(caller, productId(params.id), body),
      );
    },
  });
}
