import type { ProductId } from '../shared/ids';

export interface Product {
  readonly id: ProductId;
  readonly name: string;
  readonly price: number;
  readonly stock: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewProduct {
  id: ProductId;
  name: string;
  price: number;
  stock: number;
  now: Date;
}

export interface ProductChanges {
  name?: string;
  price?: number;
  stock?: number;
}

export function createProduct(input: NewProduct): Product {
  return {
    id: input.id,
    name: input.name,
    price: input.price,
    stock: input.stock,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function changeProduct(product: Product, changes: ProductChanges, now: Date): Product {
  return {
    ...product,
    name: changes.name ?? product.name,
    price: changes.price ?? product.price,
    stock: changes.stock ?? product.stock,
    updatedAt: now,
  };
}
