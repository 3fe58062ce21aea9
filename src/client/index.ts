export { RequestExecutor, isConditionFailure } from './executor';
export type { ExecutorOptions, CapacityReporting, OperationName } from './executor';
export type { Logger } from './logger';
