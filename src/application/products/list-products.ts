import type { Product } from '../../domain/product/product';
import type { Page, PageRequest } from '../../domain/shared/page';
import type { ProductRepository } from '../ports/product-repository';

export class ListProducts {
  constructor(private readonly products: ProductRepository) {}

  execute(page: PageRequest): Promise<Page<Product>> {
    return this.products.list(page);
  }
}
