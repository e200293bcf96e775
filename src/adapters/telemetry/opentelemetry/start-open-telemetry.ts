import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Tracing } from '../../../application/ports/tracing';
import { OtelTracing } from './otel-tracing';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OpenTelemetry {
  tracing: Tracing;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK: spans batched to an OTLP/HTTP exporter that reads the standard `OTEL_*`
 * variables (endpoint, headers, timeout, `OTEL_BSP_*`), the sampler from `OTEL_TRACES_SAMPLER`,
 * and the service's name from `OTEL_SERVICE_NAME`. It must run before mysql2, ioredis and
 * node:http are first required, since the instrumentations patch them as they load.
 *
 * The database and Redis are traced by their instrumentations, which see every statement and
 * command; ioredis only inside a span, so BullMQ's polling makes no traces of its own. The broker
 * is not: BullMQ has no instrumentation here, and amqplib's would start a consumer span per
 * message, while a worker's transaction serves several messages. Publishes and processing are
 * spans of the queue adapters and the worker (see TracedOrderQueue, order-worker.ts).
 */
export function startOpenTelemetry(protocol: OtlpProtocol): OpenTelemetry {
  const exporter = protocol === 'http/json' ? new JsonTraceExporter() : new ProtobufTraceExporter();
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'order-service' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // What this service sends over HTTP is its start-up warm-up to itself (about 2,000
      // requests, already traced as they arrive) and the occasional JWKS fetch.
      new HttpInstrumentation({ disableOutgoingRequestInstrumentation: true }),
      new MySQL2Instrumentation(),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return {
    tracing: new OtelTracing(trace.getTracer('order-service')),
    shutdown: () => provider.shutdown(),
  };
}
