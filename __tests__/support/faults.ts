/**
 * Fault injection between the SDK and a real local engine. Neither dynalite nor moto ever throttles or
 * returns Unprocessed*, so the fault paths are exercised by a request handler that sits where the SDK's
 * NodeHttpHandler sits: it sees each HTTP attempt (SDK retries included) and may answer for the engine,
 * or change what the engine receives and returns.
 *
 *   const { client, faults } = faultyClient(engine(), { maxAttempts: 1 });
 *   faults.inject({ operation: 'BatchWriteItem', fault: { kind: 'unprocessed', count: 3 }, times: 2 });
 *
 * Bodies are edited after SigV4 signing; that works because local engines do not verify signatures.
 * Never point this at real DynamoDB.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import type { HttpHandler, HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import { localClientConfig } from '../../src/testing';
import type { TestEngine } from './engines';

export type Fault =
  /** Answered for the engine, which never sees the request: HTTP 400 ProvisionedThroughputExceededException. */
  | { kind: 'throttle' }
  /** Answered for the engine, which never sees the request: HTTP 500 InternalServerError. */
  | { kind: 'http500' }
  /**
   * Forwarded and applied by the engine, then the answer is lost: the client sees ECONNRESET. With
   * `meanwhile`, that runs (another client's writes) after the engine applied the request and before
   * the client hears of the failure, so it lands between the lost answer and the SDK's retry.
   */
  | { kind: 'dropAfterApply'; meanwhile?: () => Promise<unknown> }
  /**
   * Batch requests only: the last `count` (default: half, at least one) write requests or keys are
   * taken out of the forwarded request and returned as UnprocessedItems / UnprocessedKeys, so the
   * engine really did not process them.
   */
  | { kind: 'unprocessed'; count?: number };

export interface FaultRule {
  /** `X-Amz-Target` operation, e.g. `BatchWriteItem`, or a predicate on it. */
  operation: string | ((operation: string) => boolean);
  fault: Fault;
  /** How many matching requests get the fault. @default Infinity */
  times?: number;
  /** Matching requests let through untouched before the fault starts. @default 0 */
  skip?: number;
}

interface ActiveRule extends FaultRule {
  seen: number;
  applied: number;
}

type Json = Record<string, any>;

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.0' };

/** An HTTP handler that forwards to NodeHttpHandler, counting requests and injecting faults. */
export class FaultInjector implements HttpHandler<object> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  /** HTTP requests per operation, every attempt counted (faulted ones too). */
  readonly requests: Record<string, number> = {};
  /** Every fault injected, in order. */
  readonly injected: Array<{ operation: string; kind: Fault['kind'] }> = [];
  private readonly inner = new NodeHttpHandler();
  private rules: ActiveRule[] = [];

  inject(rule: FaultRule): this {
    this.rules.push({ ...rule, seen: 0, applied: 0 });
    return this;
  }

  /** Removes every rule and resets the counters. */
  reset(): void {
    this.rules = [];
    this.injected.length = 0;
    for (const key of Object.keys(this.requests)) delete this.requests[key];
  }

  count(operation: string): number {
    return this.requests[operation] ?? 0;
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const operation = operationOf(request);
    this.requests[operation] = this.count(operation) + 1;
    const fault = this.faultFor(operation);
    if (!fault) return this.inner.handle(request, options);
    this.injected.push({ operation, kind: fault.kind });
    switch (fault.kind) {
      case 'throttle':
        return jsonResponse(400, errorBody('ProvisionedThroughputExceededException', 'Injected throttling'));
      case 'http500':
        return jsonResponse(500, errorBody('InternalServerError', 'Injected internal server error'));
      case 'dropAfterApply':
        await readBody((await this.inner.handle(request, options)).response);
        if (fault.meanwhile) await fault.meanwhile();
        throw Object.assign(new Error('socket hang up (injected after the engine applied the request)'), { code: 'ECONNRESET' });
      case 'unprocessed':
        return this.leaveUnprocessed(request, operation, fault.count, options);
    }
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): object {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }

  private faultFor(operation: string): Fault | undefined {
    for (const rule of this.rules) {
      const matches = typeof rule.operation === 'string' ? rule.operation === operation : rule.operation(operation);
      if (!matches) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.skip ?? 0) || rule.applied >= (rule.times ?? Infinity)) continue;
      rule.applied += 1;
      return rule.fault;
    }
    return undefined;
  }

  private async leaveUnprocessed(
    request: HttpRequest,
    operation: string,
    count: number | undefined,
    options?: HttpHandlerOptions,
  ): Promise<{ response: HttpResponse }> {
    if (operation !== 'BatchWriteItem' && operation !== 'BatchGetItem') {
      throw new Error(`an 'unprocessed' fault only applies to batch operations, not ${operation}`);
    }
    const body = JSON.parse(bodyText(request.body)) as Json;
    const split = splitBatch(operation, body, count);
    if (!split.forwarded) return jsonResponse(200, split.unprocessedOnly); // nothing left to send
    const forwarded = cloneRequest(request, JSON.stringify(split.forwarded));
    const { response } = await this.inner.handle(forwarded, options);
    const text = await readBody(response);
    if (response.statusCode !== 200) return rebuilt(response, text);
    const output = JSON.parse(text) as Json;
    split.merge(output);
    return rebuilt(response, JSON.stringify(output));
  }
}

interface SplitBatch {
  /** The request with the unprocessed part removed, or undefined when nothing remains. */
  forwarded: Json | undefined;
  /** The response to give when nothing was forwarded. */
  unprocessedOnly: Json;
  /** Adds the removed part to the engine's response. */
  merge(output: Json): void;
}

function takeFromEnd<T>(list: T[], count: number | undefined): { kept: T[]; removed: T[] } {
  const n = Math.min(list.length, count ?? Math.max(1, Math.floor(list.length / 2)));
  return { kept: list.slice(0, list.length - n), removed: list.slice(list.length - n) };
}

function splitBatch(operation: 'BatchWriteItem' | 'BatchGetItem', body: Json, count: number | undefined): SplitBatch {
  const [table, requested] = Object.entries(body.RequestItems as Json)[0] as [string, any];
  if (operation === 'BatchWriteItem') {
    const { kept, removed } = takeFromEnd(requested as unknown[], count);
    return {
      forwarded: kept.length > 0 ? { ...body, RequestItems: { [table]: kept } } : undefined,
      unprocessedOnly: { UnprocessedItems: { [table]: removed } },
      merge: (output) => {
        output.UnprocessedItems = { ...output.UnprocessedItems, [table]: [...(output.UnprocessedItems?.[table] ?? []), ...removed] };
      },
    };
  }
  const { kept, removed } = takeFromEnd(requested.Keys as unknown[], count);
  const unprocessed = (extra: unknown[]) => ({ [table]: { ...requested, Keys: [...extra, ...removed] } });
  return {
    forwarded: kept.length > 0 ? { ...body, RequestItems: { [table]: { ...requested, Keys: kept } } } : undefined,
    unprocessedOnly: { Responses: { [table]: [] }, UnprocessedKeys: unprocessed([]) },
    merge: (output) => {
      output.UnprocessedKeys = { ...output.UnprocessedKeys, ...unprocessed(output.UnprocessedKeys?.[table]?.Keys ?? []) };
    },
  };
}

/** The SDK hands over JSON bodies as a string or as UTF-8 bytes, depending on its version. */
function bodyText(body: unknown): string {
  return body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : String(body);
}

function operationOf(request: HttpRequest): string {
  const entry = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-amz-target');
  return entry ? String(entry[1]).split('.').pop() ?? 'Unknown' : 'Unknown';
}

function errorBody(name: string, message: string): string {
  return JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
}

function jsonResponse(statusCode: number, body: string | Json): { response: HttpResponse } {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return rebuilt(new HttpResponse({ statusCode, headers: { ...JSON_HEADERS, 'x-amzn-requestid': 'injected' } }), text);
}

/** The response with a new body; the engine's CRC32 header no longer matches it, so it goes. */
function rebuilt(response: HttpResponse, text: string): { response: HttpResponse } {
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => name.toLowerCase() !== 'x-amz-crc32'));
  headers['content-length'] = String(Buffer.byteLength(text));
  return { response: new HttpResponse({ statusCode: response.statusCode, reason: response.reason, headers, body: Readable.from([Buffer.from(text)]) }) };
}

function cloneRequest(request: HttpRequest, body: string): HttpRequest {
  const clone = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as HttpRequest, request);
  clone.headers = { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
  clone.body = body;
  return clone;
}

async function readBody(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const part of response.body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(part));
  return Buffer.concat(chunks).toString('utf8');
}

export interface FaultyClientOptions {
  /** The SDK's attempts per request (its own retries are part of what is tested). */
  maxAttempts: number;
}

/** A client for the engine's endpoint whose every HTTP attempt goes through a FaultInjector. */
export function faultyClient(
  engine: TestEngine,
  options: FaultyClientOptions,
  faults: FaultInjector = new FaultInjector(),
): { client: DynamoDBClient; faults: FaultInjector } {
  const client = new DynamoDBClient(localClientConfig(engine.endpoint, { maxAttempts: options.maxAttempts, requestHandler: faults }));
  return { client, faults };
}
