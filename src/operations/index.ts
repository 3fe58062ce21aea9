export {
  getItemInput,
  createItemInput,
  replaceItemInput,
  deleteVersionedInput,
  deleteByKeyInput,
  queryByTypeInput,
  countByTypeInput,
  queryByUidInput,
  scanTypeInput,
} from './entity-commands';
export type { ExpectedIdentity, TypeQueryOptions } from './entity-commands';
export { createTableInput, tableSchemaProblems, isTableReady } from './table-schema';
export type { BillingMode, TableProvisioning } from './table-schema';
export { updateItemInput } from './update-commands';
export type { EntityUpdate } from './update-commands';
export {
  createEntry,
  replaceEntry,
  deleteEntry,
  updateEntry,
  conditionCheckEntry,
  claimGuardEntry,
  releaseGuardEntry,
  rewriteGuardEntry,
} from './transaction-commands';
export { keyQueryInput, keyCountInput, sortKeyExpression } from './query-commands';
export type { KeyQuery } from './query-commands';
