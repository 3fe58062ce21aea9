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

/**
 * Sums the requests of one API call (and, with a tracer, is its span). The sums are its own fields,
 * and the CallCost object is built once, when the call ends.
 */
export class CallMeter {
  requests = 0;
  readUnits = 0;
  writeUnits = 0;
  estimated = false;
  retries = 0;
  private finished = false;
  private readonly started = performance.now();
  private readonly span: SpanLike | undefined;

  constructor(
    private readonly reporting: CostReporting,
    readonly call: string,
    readonly entity: string | undefined,
  ) {
    this.span = reporting.tracer && startCallSpan(reporting.tracer, call, entity);
  }

  add(request: RequestCost): void {
    this.requests += 1;
    this.readUnits += request.readUnits;
    this.writeUnits += request.writeUnits;
    this.retries += request.retries;
    if (request.estimated) this.estimated = true;
  }

  /**
   * Reports the call's cost to the hooks (and ends its span), once: a listing whose loop ends after
   * its last step, or fails, finishes only the first time.
   */
  finish(error?: { cause: unknown }): void {
    if (this.finished) return;
    this.finished = true;
    const { call, entity, requests, readUnits, writeUnits, estimated, retries } = this;
    const durationMs = roundedMs(performance.now() - this.started);
    const cost: CallCost = { call, entity, requests, readUnits, writeUnits, estimated, retries, durationMs, failed: error !== undefined };
    if (this.span) endCallSpan(this.span, cost, error?.cause);
    report(this.reporting.hooks.call, cost, this.reporting.logger);
  }
}

export const roundedMs = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The meter of the API call in progress, carried through awaits. Created on first use, so that a
 * process without cost hooks never enables async context tracking; and enabled only while a metered
 * step runs: on Node 20 an enabled AsyncLocalStorage puts a hook on every promise the process
 * creates, which code between calls (and other libraries' calls) should not pay for.
 */
let scope: AsyncLocalStorage<CallMeter> | undefined;
let stepsRunning = 0;

export function currentMeter(): CallMeter | undefined {
  return scope?.getStore();
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

const always = () => true;

/**
 * One step of a metered call under its meter: the whole call, or one `next()` of a listing's loop.
 * A step that fails ends the call with its error; one that succeeds ends it when `ends(result)`.
 */
export async function meteredStep<R>(meter: CallMeter, work: () => Promise<R>, ends: (result: R) => boolean = always): Promise<R> {
  scope ??= new AsyncLocalStorage<CallMeter>();
  stepsRunning += 1;
  let result: R;
  try {
    result = await scope.run(meter, work);
  } catch (error) {
    meter.finish({ cause: error });
    throw error;
  } finally {
    stepsRunning -= 1;
    // No metered work left: stop tracking (the next step enables it again).
    if (stepsRunning === 0) scope.disable();
  }
  if (ends(result)) meter.finish();
  return result;
}

/**
 * Runs one API call under a meter and reports its cost when it settles. A call made while another is
 * in progress (Active Record delegating to a repository, a repository method using another) joins it.
 */
export function meteredCall<R>(reporting: CostReporting, call: string, entity: string | undefined, work: () => Promise<R>): Promise<R> {
  if (!currentMeter()) return meteredStep(new CallMeter(reporting, call, entity), work);
  try {
    return work();
  } catch (error) {
    return Promise.reject(error); // a call that throws at once rejects, metered or not
  }
}
