import { v7 } from 'uuid';
import type { IdGenerator } from '../../application/ports/id-generator';

/**
 * UUIDv7: a millisecond timestamp, then random bits. Rows keyed by them append to their indexes
 * instead of landing on random pages of a table larger than memory; the 74 random bits keep them
 * unguessable. Within a process the library keeps them increasing even within one millisecond.
 */
export class UuidV7IdGenerator implements IdGenerator {
  next(): string {
    return v7();
  }
}
