import { stockAdjustment } from '../../domain/product/inventory-movement';
import { changeProduct, type Product, type ProductChanges } from '../../domain/product/product';
import { NotFoundError } from '../../domain/shared/domain-error';
import type { ProductId } from '../../domain/shared/ids';
import { authorise } from '../access/access-policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ProductCache } from '../ports/product-cache';
import type { UnitOfWork } from '../ports/unit-of-work';
import { invalidateProducts } from './invalidate-products';

export class UpdateProduct {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(caller: Caller, id: ProductId, changes: ProductChanges): Promise<Product> {
    authorise(caller, 'updateProduct');
    const updated = await this.uow.run(async (tx) => {
      const [product] = await tx.products.lockMany([id]);
      if (!product) throw new NotFoundError('Product', id);
      const supplied = await tx.inventory.suppliedTotal(product.id);
      const next = changeProduct(product, changes, supplied, this.clock.now());
      await tx.products.update(next);
      const adjustment = stockAdjustment(product, next);
      if (adjustment) await tx.inventory.append([adjustment]);
      return next;
    });
    await invalidateProducts(this.cache, this.logger, [id]);
    return updated;
  }
}
