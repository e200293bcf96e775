import type { Product } from '../../domain/product/product';
import type { ProductId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';

export interface ProductRepository {
  findById(id: ProductId): Promise<Product | null>;
  /**
   * Inside a transaction: reads and locks the rows in ascending id order (one global lock order,
   * so concurrent orders cannot deadlock). Absent ids are left out.
   */
  lockMany(ids: readonly ProductId[]): Promise<Product[]>;
  /** Newest first, keyset-paginated. */
  list(page: PageRequest): Promise<Page<Product>>;
  insert(product: Product): Promise<void>;
  /** Writes name, price, stock and updatedAt. */
  update(product: Product): Promise<void>;
  /**
   * Writes the stock and updatedAt of each product (each named once) together, in one statement
   * in the MySQL store: the worker's write of an order's products. Absent ids change nothing.
   */
  updateStocks(products: readonly Product[]): Promise<void>;
}
