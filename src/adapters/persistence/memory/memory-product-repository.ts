import type { Product } from '../../../domain/product/product';
import type { ProductId } from '../../../domain/shared/ids';
import type { Page, PageRequest } from '../../../domain/shared/page';
import type { ProductRepository } from '../../../application/ports/product-repository';
import { checkNewId, checkNonNegative } from './memory-constraints';
import { page } from './memory-paging';
import type { MemoryView } from './memory-view';

export class MemoryProductRepository implements ProductRepository {
  constructor(private readonly view: MemoryView) {}

  async findById(id: ProductId): Promise<Product | null> {
    return this.view.get('products', id) ?? null;
  }

  async lockMany(ids: readonly ProductId[]): Promise<Product[]> {
    return [...new Set(ids)].sort().flatMap((id) => this.view.get('products', id) ?? []);
  }

  async list(request: PageRequest): Promise<Page<Product>> {
    return page(this.view.rows('products'), request);
  }

  async insert(product: Product): Promise<void> {
    checkNonNegative(product.price, 'price');
    checkNonNegative(product.stock, 'stock');
    checkNewId(this.view, 'products', product.id);
    this.view.put('products', product);
  }

  /** Like an UPDATE … WHERE id = ?: every field but createdAt, and nothing for an absent id. */
  async update(product: Product): Promise<void> {
    const stored = this.view.get('products', product.id);
    if (!stored) return;
    checkNonNegative(product.price, 'price');
    checkNonNegative(product.stock, 'stock');
    this.view.put('products', {
      ...stored,
      name: product.name,
      price: product.price,
      stock: product.stock,
      updatedAt: product.updatedAt,
    });
  }

  /** Checks every row before writing any, as one UPDATE fails or succeeds whole. */
  async updateStocks(products: readonly Product[]): Promise<void> {
    for (const product of products) checkNonNegative(product.stock, 'stock');
    for (const product of products) {
      const stored = this.view.get('products', product.id);
      if (stored) {
        this.view.put('products', {
          ...stored,
          stock: product.stock,
          updatedAt: product.updatedAt,
        });
      }
    }
  }
}
