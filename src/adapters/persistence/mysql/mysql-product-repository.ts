import type { RowDataPacket } from 'mysql2/promise';
import type { ProductRepository } from '../../../application/ports/product-repository';
import type { Product } from '../../../domain/product/product';
import { productId, type ProductId } from '../../../domain/shared/ids';
import { toPage, type Page, type PageRequest } from '../../../domain/shared/page';
import { idFromBinary, idToBinary, idToLookup } from './binary-id';
import { olderThanCursor } from './keyset';
import type { Queryable } from './queryable';
import { valueById } from './value-by-id';

interface ProductRecord {
  id: Buffer;
  name: string;
  price: number;
  stock: number;
  created_at: Date;
  updated_at: Date;
}

interface ProductRow extends ProductRecord, RowDataPacket {}

const PRODUCT_COLUMNS = 'id, name, price, stock, created_at, updated_at';

function toRow(product: Product): ProductRecord {
  return {
    id: idToBinary(product.id),
    name: product.name,
    price: product.price,
    stock: product.stock,
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  };
}

function fromRow(row: ProductRow): Product {
  return {
    id: productId(idFromBinary(row.id)),
    name: row.name,
    price: row.price,
    stock: row.stock,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class MysqlProductRepository implements ProductRepository {
  constructor(private readonly db: Queryable) {}

  async findById(id: ProductId): Promise<Product | null> {
    const [row] = await this.db.select<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ?`,
      [idToLookup(id)],
    );
    return row ? fromRow(row) : null;
  }

  async lockMany(ids: readonly ProductId[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.select<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id IN (?) ORDER BY id FOR UPDATE`,
      [ids.map(idToLookup)],
    );
    return rows.map(fromRow);
  }

  async list(page: PageRequest): Promise<Page<Product>> {
    const older = olderThanCursor(page);
    const rows = await this.db.select<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE ${older.sql}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...older.values, page.limit + 1],
    );
    return toPage(rows.map(fromRow), page.limit);
  }

  async insert(product: Product): Promise<void> {
    const row = toRow(product);
    await this.db.write(`INSERT INTO products (${PRODUCT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
      row.id,
      row.name,
      row.price,
      row.stock,
      row.created_at,
      row.updated_at,
    ]);
  }

  async update(product: Product): Promise<void> {
    const row = toRow(product);
    await this.db.write(
      'UPDATE products SET name = ?, price = ?, stock = ?, updated_at = ? WHERE id = ?',
      [row.name, row.price, row.stock, row.updated_at, row.id],
    );
  }

  /** One UPDATE for all of them, each row's values picked by a CASE on its id. */
  async updateStocks(products: readonly Product[]): Promise<void> {
    if (products.length === 0) return;
    const rows = products.map(toRow);
    const stock = valueById(
      'id',
      rows.map((row) => [row.id, row.stock]),
    );
    const updatedAt = valueById(
      'id',
      rows.map((row) => [row.id, row.updated_at]),
    );
    await this.db.write(
      `UPDATE products SET stock = ${stock.sql}, updated_at = ${updatedAt.sql} WHERE id IN (?)`,
      [...stock.values, ...updatedAt.values, rows.map((row) => row.id)],
    );
  }
}
