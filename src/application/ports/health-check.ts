/** One dependency that must answer for the service to be ready. */
export interface HealthCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}
