import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../application/ports/id-generator';

/** Random UUIDs: unguessable, and ordering never relies on them (lists sort by createdAt first). */
export class RandomIdGenerator implements IdGenerator {
  next(): string {
    return randomUUID();
  }
}
