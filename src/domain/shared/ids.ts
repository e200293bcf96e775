declare const brand: unique symbol;
type Branded<T, B extends string> = T & { readonly [brand]: B };

export type CustomerId = Branded<string, 'CustomerId'>;
export type ProductId = Branded<string, 'ProductId'>;
export type OrderId = Branded<string, 'OrderId'>;

export const customerId = (value: string): CustomerId => value as CustomerId;
export const productId = (value: string): ProductId => value as ProductId;
export const orderId = (value: string): OrderId => value as OrderId;
