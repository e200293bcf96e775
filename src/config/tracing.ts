import { NO_TRACING, type Tracing } from '../application/ports/tracing';
import type { TracingConfig } from './config';

export interface StartedTracing {
  tracing: Tracing;
  /** Exports the spans still buffered; nothing to do when tracing is off. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry when the configuration turns it on. Imported only then: with tracing off
 * no OpenTelemetry module is loaded and nothing is patched, so it costs nothing. Must run before
 * the service's modules load (see main.ts), since the instrumentations patch the drivers as they
 * are required.
 */
export async function startTracing(config: TracingConfig): Promise<StartedTracing> {
  if (!config.enabled) return { tracing: NO_TRACING, shutdown: () => Promise.resolve() };
  const { startOpenTelemetry } =
    await import('../adapters/telemetry/opentelemetry/start-open-telemetry');
  return startOpenTelemetry(config.protocol);
}
