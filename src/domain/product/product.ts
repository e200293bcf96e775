import { ensureRoomFor } from '../shared/money';
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

/**
 * `suppliedTotal` is all the stock the product was ever given: its initial stock and the changes
 * made by hand (the INITIAL and ADJUSTMENT movements of its inventory ledger). The stock plus the
 * quantities of its COMPLETED orders always equals it, so while it stays within MAX_AMOUNT every
 * cancelled order's items fit back in the stock: a change that raises the stock so far that it
 * would pass MAX_AMOUNT is refused. Lowering the stock only lowers it, and is always accepted.
 */
export function changeProduct(
  product: Product,
  changes: ProductChanges,
  suppliedTotal: number,
  now: Date,
): Product {
  const stock = changes.stock ?? product.stock;
  if (stock > product.stock) ensureRoomFor(stock - product.stock, suppliedTotal, 'stock');
  return {
    ...product,
    name: changes.name ?? product.name,
    price: changes.price ?? product.price,
    stock,
    updatedAt: now,
  };
}
