import { DomainError, type ErrorDetail } from '../shared/domain-error';
import type { ProductId } from '../shared/ids';

export class UnknownProductError extends DomainError {
  constructor(details: readonly ErrorDetail[]) {
    super('UNKNOWN_PRODUCT', 'The order names products that do not exist', details);
  }
}

/**
 * The error for the order lines (in the order given) whose product is not among `existing`, each
 * named by its line index; null when every product exists.
 */
export function unknownProductsError(
  productIds: readonly ProductId[],
  existing: ReadonlySet<ProductId>,
): UnknownProductError | null {
  const missing = productIds.flatMap((id, index) =>
    existing.has(id)
      ? []
      : [{ path: `items.${index}.productId`, message: 'names no existing product' }],
  );
  return missing.length > 0 ? new UnknownProductError(missing) : null;
}
