export { partitionKeyOf, primaryKeyOf, maxStrIdBytes, strIdProblem } from './primary-key';
export type { ItemKey } from './primary-key';
export { newUid, isUid } from './uid';
export { encodeCursor, decodeCursor } from './cursor';
export type { CursorPosition } from './cursor';
