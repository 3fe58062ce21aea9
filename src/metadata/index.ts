export { ATTR, WRITE_HISTORY, TYPE_INDEX_NAME, RESERVED_ATTRIBUTES, KEY_SEPARATOR, TYPE_NAME_PATTERN, LIMITS } from './attributes';
export { getRegistry, resetMetadataRegistry, memoizePerClass } from './registry';
export { getEntityMetadata } from './entity-metadata';
export type * from './types';
