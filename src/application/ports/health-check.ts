/** One dependency the service reports on at /ready. */
export interface HealthCheck {
  readonly name: string;
  /**
   * The service still serves without it, only less well (a cache): its outage reports the service
   * degraded but keeps it ready. Otherwise its outage makes the service not ready.
   */
  readonly optional?: boolean;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}
