import type { RowDataPacket } from 'mysql2/promise';
import type { CustomerRepository } from '../../../application/ports/customer-repository';
import type { Customer } from '../../../domain/customer/customer';
import { customerId, type CustomerId } from '../../../domain/shared/ids';
import type { Queryable } from './queryable';

interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  balance: number;
  created_at: Date;
  updated_at: Date;
}

interface CustomerRow extends CustomerRecord, RowDataPacket {}

const SELECT_CUSTOMER =
  'SELECT id, name, email, balance, created_at, updated_at FROM customers WHERE id = ?';

function toRow(customer: Customer): CustomerRecord {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    balance: customer.balance,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
  };
}

function fromRow(row: CustomerRow): Customer {
  return {
    id: customerId(row.id),
    name: row.name,
    email: row.email,
    balance: row.balance,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class MysqlCustomerRepository implements CustomerRepository {
  constructor(private readonly db: Queryable) {}

  async findById(id: CustomerId): Promise<Customer | null> {
    const [row] = await this.db.select<CustomerRow>(SELECT_CUSTOMER, [id]);
    return row ? fromRow(row) : null;
  }

  async lockById(id: CustomerId): Promise<Customer | null> {
    const [row] = await this.db.select<CustomerRow>(`${SELECT_CUSTOMER} FOR UPDATE`, [id]);
    return row ? fromRow(row) : null;
  }

  async insert(customer: Customer): Promise<void> {
    const row = toRow(customer);
    await this.db.write(
      'INSERT INTO customers (id, name, email, balance, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [row.id, row.name, row.email, row.balance, row.created_at, row.updated_at],
    );
  }

  async update(customer: Customer): Promise<void> {
    const row = toRow(customer);
    await this.db.write('UPDATE customers SET balance = ?, updated_at = ? WHERE id = ?', [
      row.balance,
      row.updated_at,
      row.id,
    ]);
  }
}
