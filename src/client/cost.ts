import { AsyncLocalStorage } from 'node:async_hooks';
import type { OperationName } from './operation-names';
import type { Logger } from './logger';
import { endCallSpan, startCallSpan } from './tracing';
import type { SpanLike, TracerLike } from './tracing';

/** What a request or a call cost. */
export interface Cost {
  readUnits: number;
  writeUnits: number;
  /**
   * True when the engine reported no consumed capacity (a refused request, DynamoDB Local, moto) and
   * the units were computed from item sizes by DynamoDB's billing rules: a lower bound (no index copies).
   * For a call: any of its requests.
   */
  estimated: boolean;
  /** Attempts the SDK made beyond the first (its own retries of a throttled or failed request). */
  retries: number;
  durationMs: number;
  /** It failed (a refused condition is still charged, and counted). */
  failed: boolean;
}

/** What one request to DynamoDB cost. */
export interface RequestCost extends Cost {
  operation: OperationName;
  /** The entity class the request was for, when there is one. */
  entity: string | undefined;
}

/** What one call of the library's API cost: every request it sent, pages, batches and retries included. */
export interface CallCost extends Cost {
  /** The method: `getByStr`, `query`, `transaction`... */
  call: string;
  entity: string | undefined;
  requests: number;
}

/**
 * Receives the cost of every request and every API call of an EntityManager. Called synchronously
 * after each; keep them cheap (add to a metric, a log line). An exception they throw is logged and
 * otherwise ignored: reporting never changes what a call does.
 */
export interface CostHooks {
  request?(cost: RequestCost): void;
  call?(cost: CallCost): void;
}

/** Where the costs of an EntityManager's calls go: its hooks, its logger (for hook errors), its tracer. */
export interface CostReporting {
  hooks: CostHooks;
  logger: Logger | undefined;
  tracer?: TracerLike;
}

/** Sums the requests of one API call (and, with a tracer, is its span). */
export class CallMeter {
  private readonly started = performance.now();
  private readonly cost: CallCost;
  private readonly span: SpanLike | undefined;

  constructor(call: string, entity: string | undefined, tracer?: TracerLike) {
    this.cost = { call, entity, requests: 0, readUnits: 0, writeUnits: 0, estimated: false, retries: 0, durationMs: 0, failed: false };
    this.span = tracer && startCallSpan(tracer, call, entity);
  }

  add(request: RequestCost): void {
    const cost = this.cost;
    cost.requests += 1;
    cost.readUnits += request.readUnits;
    cost.writeUnits += request.writeUnits;
    cost.retries += request.retries;
    cost.estimated ||= request.estimated;
  }

  /** The call's cost, reported to the hooks (and its span ended). */
  finish(reporting: CostReporting, error?: { cause: unknown }): void {
    const cost = { ...this.cost, durationMs: roundedMs(performance.now() - this.started), failed: error !== undefined };
    if (this.span) endCallSpan(this.span, cost, error?.cause);
    report(reporting.hooks.call, cost, reporting.logger);
  }
}

export const roundedMs = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The meter of the API call in progress, carried through awaits. Created on first use, so that a
 * process without cost hooks never enables async context tracking.
 */
let scope: AsyncLocalStorage<CallMeter> | undefined;

export function currentMeter(): CallMeter | undefined {
  return scope?.getStore();
}

/** Runs `work` with `meter` as the current call's meter. */
export function withMeter<R>(meter: CallMeter, work: () => R): R {
  scope ??= new AsyncLocalStorage<CallMeter>();
  return scope.run(meter, work);
}

/** Calls a hook, logging (never throwing) what it throws. */
export function report<C>(hook: ((cost: C) => void) | undefined, cost: C, logger: Logger | undefined): void {
  if (!hook) return;
  try {
    hook(cost);
  } catch (error) {
    logger?.warn?.('a cost hook threw; the call itself was not affected', { error });
  }
}

/**
 * Runs one API call under a meter and reports its cost when it settles. A call made while another is
 * in progress (Active Record delegating to a repository, a repository method using another) joins it.
 */
export async function meteredCall<R>(reporting: CostReporting, call: string, entity: string | undefined, work: () => Promise<R>): Promise<R> {
  if (currentMeter()) return work();
  const meter = new CallMeter(call, entity, reporting.tracer);
  try {
    const result = await withMeter(meter, work);
    meter.finish(reporting);
    return result;
  } catch (error) {
    meter.finish(reporting, { cause: error });
    throw error;
  }
}
