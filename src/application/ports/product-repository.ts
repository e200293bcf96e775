import type { Product } from '../../domain/product/product';
import type { ProductId } from '../../domain/shared/ids';
import type { Page, PageRequest } from '../../domain/shared/page';

export interface ProductRepository {
  findById(id: ProductId): Promise<Product | null>;
  /** The subset of `ids` that name existing products. */
  findExistingIds(ids: readonly ProductId[]): Promise<Set<ProductId>>;
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
}
