export { EntityMapper } from './entity-mapper';
export type { EntityIdentity } from './entity-mapper';
export { itemSize } from './item-size';
