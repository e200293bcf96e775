import { DomainError } from '../shared/domain-error';

export class EmailTakenError extends DomainError {
  constructor() {
    super('EMAIL_TAKEN', 'A customer with this email already exists', [
      { path: 'email', message: 'is already in use' },
    ]);
  }
}

export class UnknownCustomerError extends DomainError {
  constructor(path: string) {
    super('UNKNOWN_CUSTOMER', 'The customer does not exist', [
      { path, message: 'names no existing customer' },
    ]);
  }
}
