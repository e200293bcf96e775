import type { RowDataPacket } from 'mysql2/promise';
import type { CustomerRepository } from '../../../application/ports/customer-repository';
import type { Customer } from '../../../domain/customer/customer';
import { customerId, type CustomerId } from '../../../domain/shared/ids';
import { idFromBinary, idToBinary, idToLookup } from './binary-id';
import type { Queryable } from './queryable';
import { valueById } from './value-by-id';

interface CustomerRecord {
  id: Buffer;
  name: string;
  email: string;
  balance: number;
  created_at: Date;
  updated_at: Date;
}

interface CustomerRow extends CustomerRecord, RowDataPacket {}

const CUSTOMER_COLUMNS = 'id, name, email, balance, created_at, updated_at';
const SELECT_CUSTOMER = `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ?`;

function toRow(customer: Customer): CustomerRecord {
  return {
    id: idToBinary(customer.id),
    name: customer.name,
    email: customer.email,
    balance: customer.balance,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
  };
}

function fromRow(row: CustomerRow): Customer {
  return {
    id: customerId(idFromBinary(row.id)),
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
    const [row] = await this.db.select<CustomerRow>(SELECT_CUSTOMER, [idToLookup(id)]);
    return row ? fromRow(row) : null;
  }

  async lockById(id: CustomerId): Promise<Customer | null> {
    const [row] = await this.db.select<CustomerRow>(`${SELECT_CUSTOMER} FOR UPDATE`, [
      idToLookup(id),
    ]);
    return row ? fromRow(row) : null;
  }

  async lockMany(ids: readonly CustomerId[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.select<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id IN (?) ORDER BY id FOR UPDATE`,
      [[...new Set(ids)].sort().map(idToLookup)],
    );
    return rows.map(fromRow);
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

  /** One UPDATE for all of them, each row's values picked by a CASE on its id. */
  async updateMany(customers: readonly Customer[]): Promise<void> {
    if (customers.length === 0) return;
    const rows = customers.map(toRow);
    const balance = valueById(
      'id',
      rows.map((row) => [row.id, row.balance]),
    );
    const updatedAt = valueById(
      'id',
      rows.map((row) => [row.id, row.updated_at]),
    );
    await this.db.write(
      `UPDATE customers SET balance = ${balance.sql}, updated_at = ${updatedAt.sql} WHERE id IN (?)`,
      [...balance.values, ...updatedAt.values, rows.map((row) => row.id)],
    );
  }
}
