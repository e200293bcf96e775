import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { OtelTracing } from '../../../src/adapters/telemetry/opentelemetry/otel-tracing';
import type { TraceCarrier } from '../../../src/application/ports/tracing';

/** The SDK as the service starts it, exporting to memory (and loaded by jest, on CommonJS). */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = provider.getTracer('test');
const tracing = new OtelTracing(tracer);

afterAll(() => provider.shutdown());

/** A request span, ended, and the carrier a job would take from it. */
function request(name: string): { spanId: string; traceId: string; carrier: TraceCarrier } {
  return tracer.startActiveSpan(name, (span) => {
    const carrier = tracing.capture();
    span.end();
    if (!carrier) throw new Error('no trace context captured inside a span');
    return { ...span.spanContext(), carrier };
  });
}

const finished = (name: string) => {
  const span = exporter.getFinishedSpans().find((each) => each.name === name);
  if (!span) throw new Error(`no span ${name}`);
  return span;
};

describe('OtelTracing', () => {
  beforeEach(() => exporter.reset());

  it('captures nothing outside a span', () => {
    expect(tracing.capture()).toBeUndefined();
    expect(tracing.traceId()).toBeUndefined();
  });

  it("makes work for one request that request's child, in its trace", async () => {
    const placing = request('POST /orders');
    await tracing.run('process orders', 'consumer', [placing.carrier], {}, async () => {
      expect(tracing.traceId()).toBe(placing.traceId);
    });

    const span = finished('process orders');
    expect(span.spanContext().traceId).toBe(placing.traceId);
    expect(span.parentSpanContext?.spanId).toBe(placing.spanId);
    expect(span.links).toEqual([]);
  });

  it('starts a trace of its own for a batch, linked to every traced request in it', async () => {
    const first = request('first');
    const second = request('second');
    await tracer.startActiveSpan('unrelated', async (active) => {
      await tracing.run(
        'process orders',
        'consumer',
        [first.carrier, undefined, second.carrier],
        { 'messaging.batch.message_count': 3 },
        async () => undefined,
      );
      active.end();
    });

    const span = finished('process orders');
    expect(span.parentSpanContext).toBeUndefined();
    expect([first.traceId, second.traceId]).not.toContain(span.spanContext().traceId);
    expect(span.links.map((link) => link.context.spanId)).toEqual([first.spanId, second.spanId]);
    expect(span.attributes['messaging.batch.message_count']).toBe(3);
  });

  it('marks a span whose work failed, and lets the error through', async () => {
    const failure = new Error('deadlock');
    await expect(
      tracing.run('store orders', 'internal', [], {}, () => Promise.reject(failure)),
    ).rejects.toBe(failure);

    expect(finished('store orders').status.code).toBe(2);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
