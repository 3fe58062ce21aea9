/**
 * The part of an OpenTelemetry `Tracer` the library uses, structurally: pass
 * `trace.getTracer('dynamo-single-table')` from `@opentelemetry/api`. Typed here so that the library
 * neither depends on nor loads the API package: without a tracer, nothing of this runs.
 */
export interface TracerLike {
  startSpan(name: string, options?: { attributes?: Record<string, string | number | boolean> }): SpanLike;
}

export interface SpanLike {
  setAttributes(attributes: Record<string, string | number | boolean>): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): unknown;
  end(): void;
}

/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** A span for one API call, named `<Entity>.<call>` (or the call alone), a child of the active span. */
export function startCallSpan(tracer: TracerLike, call: string, entity: string | undefined): SpanLike {
  const attributes: Record<string, string> = { 'db.system': 'dynamodb', 'db.operation.name': call };
  if (entity) attributes['dynamo_single_table.entity'] = entity;
  return tracer.startSpan(entity ? `${entity}.${call}` : call, { attributes });
}

/** What a call cost, as its span reports it (the fields of `CallCost`). */
interface SpanCost {
  requests: number;
  readUnits: number;
  writeUnits: number;
  estimated: boolean;
  retries: number;
  failed: boolean;
}

/** Ends a call's span with what the call cost, and its error if it failed. */
export function endCallSpan(span: SpanLike, cost: SpanCost, error: unknown): void {
  span.setAttributes({
    'dynamo_single_table.requests': cost.requests,
    'dynamo_single_table.read_units': cost.readUnits,
    'dynamo_single_table.write_units': cost.writeUnits,
    'dynamo_single_table.units_estimated': cost.estimated,
    'dynamo_single_table.retries': cost.retries,
  });
  if (cost.failed) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: STATUS_ERROR, message: error instanceof Error ? error.message : undefined });
  }
  span.end();
}
