/**
 * A schema change as plain SQL, one statement per entry (the driver runs one statement at a time).
 * Kept in .ts files so that the compiled service carries its migrations with it.
 */
export interface SqlMigration {
  /** Ordered and never renamed: it is the key in schema_migrations. */
  readonly name: string;
  readonly up: readonly string[];
}
