import { createProduct, type Product } from '../../domain/product/product';
import { productId } from '../../domain/shared/ids';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { ProductRepository } from '../ports/product-repository';

export interface CreateProductInput {
  name: string;
  price: number;
  stock: number;
}

export class CreateProduct {
  constructor(
    private readonly products: ProductRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(input: CreateProductInput): Promise<Product> {
    const product = createProduct({
      ...input,
      id: productId(this.ids.next()),
      now: this.clock.now(),
    });
    await this.products.insert(product);
    return product;
  }
}
