export interface IdGenerator {
  /** A new opaque, unique id. */
  next(): string;
}
