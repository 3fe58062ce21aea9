export { childSortKeyOf, partitionKeyOf, parentStrIdOfItem, primaryKeyOf, maxStrIdBytes, strIdOfItem, strIdProblem } from './primary-key';
export type { ItemKey } from './primary-key';
export { newUid, newWriteId, isUid } from './uid';
export { encodeCursor, decodeCursor } from './cursor';
export type { CursorPosition } from './cursor';
export { GUARD_ATTR, guardKey, guardItem, uniqueValueText, guardKeyProblem } from './unique-guard';
