import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notTheService } from './every-answer-described';
// The exporter's own reader of the protobuf wire format (no request decoder is exported).
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader';

/** OTLP's SpanKind numbers. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  serviceName: unknown;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Reads each field of a message; `read` handles those it knows and returns false for others. */
function fields(bytes: Uint8Array, read: (field: number, reader: ProtobufReader) => boolean): void {
  const reader = new ProtobufReader(bytes);
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    if (!read(fieldNumber, reader)) reader.skip(wireType);
  }
}

/** AnyValue: the scalar kinds the SDK writes for our attributes. */
function anyValue(bytes: Uint8Array): unknown {
  let value: unknown;
  fields(bytes, (field, reader) => {
    if (field === 1) value = reader.readString();
    else if (field === 2 || field === 3)
      value = field === 2 ? reader.readVarint() === 1 : reader.readVarint();
    else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array): [string, unknown] {
  let key = '';
  let value: unknown;
  fields(bytes, (field, reader) => {
    if (field === 1) key = reader.readString();
    else if (field === 2) value = anyValue(reader.readBytes());
    else return false;
    return true;
  });
  return [key, value];
}

function protobufSpan(bytes: Uint8Array, serviceName: unknown): ReceivedSpan {
  const span: ReceivedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    attributes: {},
    links: [],
    serviceName,
  };
  fields(bytes, (field, reader) => {
    if (field === 1) span.traceId = hex(reader.readBytes());
    else if (field === 2) span.spanId = hex(reader.readBytes());
    else if (field === 4) span.parentSpanId = hex(reader.readBytes());
    else if (field === 5) span.name = reader.readString();
    else if (field === 6) span.kind = reader.readVarint();
    else if (field === 9) {
      const [key, value] = keyValue(reader.readBytes());
      span.attributes[key] = value;
    } else if (field === 13) {
      const link = { traceId: '', spanId: '' };
      fields(reader.readBytes(), (linkField, linkReader) => {
        if (linkField === 1) link.traceId = hex(linkReader.readBytes());
        else if (linkField === 2) link.spanId = hex(linkReader.readBytes());
        else return false;
        return true;
      });
      span.links.push(link);
    } else return false;
    return true;
  });
  return span;
}

/** ExportTraceServiceRequest → ResourceSpans (1) → resource (1), ScopeSpans (2) → spans (2). */
function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(body, (field, reader) => {
    if (field !== 1) return false;
    let serviceName: unknown;
    const scopes: Uint8Array[] = [];
    fields(reader.readBytes(), (resourceField, resourceReader) => {
      if (resourceField === 1) {
        fields(resourceReader.readBytes(), (attributeField, attributeReader) => {
          if (attributeField !== 1) return false;
          const [key, value] = keyValue(attributeReader.readBytes());
          if (key === 'service.name') serviceName = value;
          return true;
        });
      } else if (resourceField === 2) scopes.push(resourceReader.readBytes());
      else return false;
      return true;
    });
    for (const scope of scopes) {
      fields(scope, (scopeField, scopeReader) => {
        if (scopeField !== 2) return false;
        spans.push(protobufSpan(scopeReader.readBytes(), serviceName));
        return true;
      });
    }
    return true;
  });
  return spans;
}

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: JsonKeyValue[];
  links?: { traceId: string; spanId: string }[];
}

const jsonValue = ({ value }: JsonKeyValue) =>
  value.stringValue ?? (value.intValue === undefined ? value.boolValue : Number(value.intValue));

/** The OTLP/JSON encoding: ids as hex strings, enums as numbers. */
function decodeJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as {
    resourceSpans: {
      resource?: { attributes?: JsonKeyValue[] };
      scopeSpans: { spans: JsonSpan[] }[];
    }[];
  };
  return request.resourceSpans.flatMap(({ resource, scopeSpans }) => {
    const name = resource?.attributes?.find((attribute) => attribute.key === 'service.name');
    return scopeSpans.flatMap(({ spans }) =>
      spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        attributes: Object.fromEntries(
          (span.attributes ?? []).map((attribute) => [attribute.key, jsonValue(attribute)]),
        ),
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        serviceName: name && jsonValue(name),
      })),
    );
  });
}

/**
 * A local OTLP/HTTP trace receiver, as a collector would be: accepts POST /v1/traces in
 * http/protobuf and http/json, and keeps the spans and the content types it was sent.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  private readonly server: Server;

  constructor() {
    this.server = notTheService(
      createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const type = request.headers['content-type'] ?? '';
          this.contentTypes.add(type);
          if (request.method !== 'POST' || request.url !== '/v1/traces') {
            response.writeHead(404).end();
            return;
          }
          const body = Buffer.concat(chunks);
          const spans = type.startsWith('application/json')
            ? decodeJson(body)
            : decodeProtobuf(body);
          this.spans.push(...spans);
          // An empty ExportTraceServiceResponse in either encoding.
          response.writeHead(200, { 'content-type': type }).end(type.includes('json') ? '{}' : '');
        });
      }),
    );
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
