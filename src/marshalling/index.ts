export { EntityMapper, STORED_STR_ID } from './entity-mapper';
export type { EntityIdentity } from './entity-mapper';
export { itemSize } from './item-size';
