import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import type {
  SpanAttributes,
  SpanRole,
  TraceCarrier,
  Tracing,
} from '../../../application/ports/tracing';

const KINDS: Record<SpanRole, SpanKind> = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/** The Tracing port on the OpenTelemetry API, with W3C Trace Context as the carrier. */
export class OtelTracing implements Tracing {
  constructor(private readonly tracer: Tracer) {}

  capture(): TraceCarrier | undefined {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return carrier.traceparent ? carrier : undefined;
  }

  traceId(): string | undefined {
    return trace.getActiveSpan()?.spanContext().traceId;
  }

  nameRequest(method: string, route: string): void {
    const span = trace.getActiveSpan();
    span?.setAttribute('http.route', route);
    span?.updateName(`${method} ${route}`);
  }

  run<T>(
    name: string,
    role: SpanRole,
    origins: readonly (TraceCarrier | undefined)[],
    attributes: SpanAttributes,
    work: () => Promise<T>,
  ): Promise<T> {
    const traced = origins.flatMap((origin): Context[] => {
      if (!origin) return [];
      const extracted = propagation.extract(ROOT_CONTEXT, origin);
      return trace.getSpanContext(extracted) ? [extracted] : [];
    });
    // One origin: its child, in its trace. Several (or none): a trace of its own, linked to each.
    const [only] = traced;
    const parent = origins.length === 1 && only ? only : ROOT_CONTEXT;
    const links =
      parent === ROOT_CONTEXT
        ? traced.flatMap((each) => {
            const linked = trace.getSpanContext(each);
            return linked ? [{ context: linked }] : [];
          })
        : [];
    return this.tracer.startActiveSpan(
      name,
      { kind: KINDS[role], attributes, links, root: parent === ROOT_CONTEXT },
      parent,
      async (span) => {
        try {
          return await work();
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }
}
