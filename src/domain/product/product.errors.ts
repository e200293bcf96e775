import { DomainError, type ErrorDetail } from '../shared/domain-error';

export class UnknownProductError extends DomainError {
  constructor(details: readonly ErrorDetail[]) {
    super('UNKNOWN_PRODUCT', 'The order names products that do not exist', details);
  }
}
