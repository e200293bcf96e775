import { initialStock } from '../../domain/product/inventory-movement';
import { createProduct, type Product } from '../../domain/product/product';
import { productId } from '../../domain/shared/ids';
import { authorise } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { UnitOfWork } from '../ports/unit-of-work';

export interface CreateProductInput {
  name: string;
  price: number;
  stock: number;
}

export class CreateProduct {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(caller: Caller, input: CreateProductInput): Promise<Product> {
    authorise(caller, 'createProduct');
    const product = createProduct({
      ...input,
      id: productId(this.ids.next()),
      now: this.clock.now(),
    });
    await this.uow.run(async (tx) => {
      await tx.products.insert(product);
      await tx.inventory.append([initialStock(product)]);
    });
    return product;
  }
}
