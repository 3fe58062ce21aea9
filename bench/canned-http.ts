import { HttpResponse } from '@smithy/core/transport';
import type { HttpHandler } from '@smithy/core/protocols';
import type { HttpRequest } from '@smithy/types';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** A prepared HTTP answer: status and JSON bytes, encoded once so that answering costs next to nothing. */
export interface CannedResponse {
  readonly statusCode: number;
  readonly body: Uint8Array;
}

/** Picks the answer for one request from its operation name (`GetItem`) and, if it must, its JSON body. */
export type Responder = (operation: string, request: HttpRequest) => CannedResponse;

/** The JSON text of a request body (the SDK hands over bytes, or a string in older versions). */
export function bodyText(request: HttpRequest): string {
  const body: unknown = request.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '';
}

/**
 * A request as the request counts show it: its operation, then the index, `COUNT` and the Limit it
 * asked for, if any, and whether it reads consistently (`Query[gsi1 Limit=26]`, `GetItem[consistent]`).
 */
export function describeRequest(operation: string, request: HttpRequest): string {
  const text = bodyText(request);
  const body = (text ? JSON.parse(text) : {}) as { IndexName?: string; ConsistentRead?: boolean; Select?: string; Limit?: number };
  const details = [body.IndexName, body.ConsistentRead ? 'consistent' : undefined, body.Select === 'COUNT' ? 'COUNT' : undefined, body.Limit === undefined ? undefined : `Limit=${body.Limit}`];
  const shown = details.filter((detail): detail is string => detail !== undefined);
  return shown.length > 0 ? `${operation}[${shown.join(' ')}]` : operation;
}

const JSON_HEADERS = 'application/x-amz-json-1.0';
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

export function ok(payload: object): CannedResponse {
  return { statusCode: 200, body: Buffer.from(JSON.stringify(payload), 'utf8') };
}

/** A service error as DynamoDB sends it (HTTP 400, `__type`), e.g. ConditionalCheckFailedException. */
export function serviceError(type: string, extra: object = {}): CannedResponse {
  const payload = { __type: ERROR_PREFIX + type, message: 'The conditional request failed', ...extra };
  return { statusCode: 400, body: Buffer.from(JSON.stringify(payload), 'utf8') };
}

/**
 * DynamoDB answers `ReturnConsumedCapacity` with a `ConsumedCapacity` member; so do the canned answers
 * (1 unit, computed once per canned body), so that a library asking for it measures what it does with
 * DynamoDB's answer rather than a fallback for engines that leave it out.
 */
const CAPACITY_REQUEST = Buffer.from('"ReturnConsumedCapacity"');
const withCapacityCache = new WeakMap<Uint8Array, Uint8Array>();

function asksForCapacity(request: HttpRequest): boolean {
  const body: unknown = request.body;
  return body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(CAPACITY_REQUEST) : bodyText(request).includes('"ReturnConsumedCapacity"');
}

function withCapacity(body: Uint8Array): Uint8Array {
  let answer = withCapacityCache.get(body);
  if (!answer) {
    const payload = JSON.parse(Buffer.from(body).toString('utf8')) as object;
    answer = Buffer.from(JSON.stringify({ ...payload, ConsumedCapacity: { TableName: 'bench', CapacityUnits: 1 } }), 'utf8');
    withCapacityCache.set(body, answer);
  }
  return answer;
}

const refuse: Responder = (operation) => {
  throw new Error(`No canned answer for ${operation}`);
};

/**
 * The network, replaced: every SDK client of the overhead benchmark sends through this handler, which
 * answers at once with a canned response. The SDK still builds, signs and serializes each request and
 * parses each response, so what differs between contenders is the library's own work. It also counts
 * requests per operation, which gives the "requests per API call" figures.
 */
export class CannedHttpHandler implements HttpHandler<Record<string, never>> {
  responder: Responder = refuse;
  requests = 0;
  /** Operation names of the requests sent while `recording` is on (off while timing). */
  readonly sent: string[] = [];
  recording = false;

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const operation = target.slice(target.indexOf('.') + 1);
    this.requests += 1;
    if (this.recording) this.sent.push(operation);
    const canned = this.responder(operation, request);
    const body = canned.statusCode === 200 && asksForCapacity(request) ? withCapacity(canned.body) : canned.body;
    return {
      response: new HttpResponse({
        statusCode: canned.statusCode,
        headers: {
          'content-type': JSON_HEADERS,
          'content-length': String(body.byteLength),
          'x-amzn-requestid': 'canned',
        },
        // A fresh view per response: the SDK re-prototypes the array it collects.
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      }),
    };
  }

  /** Runs `action` and returns the operations it sent, in order. */
  async record(action: () => Promise<unknown>): Promise<string[]> {
    this.sent.length = 0;
    this.recording = true;
    try {
      await action();
    } finally {
      this.recording = false;
    }
    return [...this.sent];
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

/** Client settings for the canned handler: static credentials, a real region, SDK defaults otherwise. */
export function cannedClientConfig(handler: CannedHttpHandler): DynamoDBClientConfig {
  return {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'benchmark-secret' },
    requestHandler: handler,
  };
}
