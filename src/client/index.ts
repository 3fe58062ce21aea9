export { RequestExecutor, isConditionFailure } from './executor';
export type { ExecutorOptions, CapacityReporting, OperationName } from './executor';
export type { CostHooks, RequestCost, CallCost } from './cost';
export type { TracerLike, SpanLike } from './tracing';
export type { Logger } from './logger';
