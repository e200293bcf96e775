/** A trace context written as W3C Trace Context headers (`traceparent`, `tracestate`). */
export type TraceCarrier = Readonly<Record<string, string>>;

/** Where work came from: carried with a job so that its processing can be joined to its request. */
export interface WorkOrigin {
  /** The HTTP request's id (`X-Request-Id`), for log lines. */
  requestId?: string;
  /** The request's trace context; absent when tracing is off. */
  trace?: TraceCarrier;
}

/** What a span is to the messaging conventions: work of this process, a publish, a delivery. */
export type SpanRole = 'internal' | 'producer' | 'consumer';

export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * Tracing as the use cases and adapters need it, whatever records it. Work done for several
 * origins at once (a batch) cannot have several parents: it is the child of its origin when it
 * has one, and otherwise starts a trace of its own that links to each origin's span.
 */
export interface Tracing {
  /** The trace context in force, to carry with work that goes on elsewhere; undefined when off. */
  capture(): TraceCarrier | undefined;
  /** The id of the trace in force, for log lines; undefined when off. */
  traceId(): string | undefined;
  /** Names the HTTP request being served after its route template (`POST /orders/:id/cancel`). */
  nameRequest(method: string, route: string): void;
  run<T>(
    name: string,
    role: SpanRole,
    origins: readonly (TraceCarrier | undefined)[],
    attributes: SpanAttributes,
    work: () => Promise<T>,
  ): Promise<T>;
}

/** Tracing off: nothing is recorded and the work runs as it is. */
export const NO_TRACING: Tracing = {
  capture: () => undefined,
  traceId: () => undefined,
  nameRequest: () => undefined,
  run: (_name, _role, _origins, _attributes, work) => work(),
};
