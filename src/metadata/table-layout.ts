import { ATTR, TYPE_INDEX_NAME } from './attributes';

/**
 * The physical layout of the one table: its key attributes and its global secondary indexes. The
 * only description of it: creating the table, checking an existing one and building requests all
 * read it, so an index added here reaches all three.
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

export interface IndexLayout {
  readonly name: string;
  readonly partition: KeyAttribute;
  readonly sort?: KeyAttribute;
  /** What the index copies of each item. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableLayout {
  readonly partition: KeyAttribute;
  readonly sort: KeyAttribute;
  readonly indexes: readonly IndexLayout[];
}

/** Lists, counts and uid look-ups of every type: sparse (only entity items carry `_type`). */
export const TYPE_INDEX: IndexLayout & { readonly sort: KeyAttribute } = {
  name: TYPE_INDEX_NAME,
  partition: { name: ATTR.type, type: 'S' },
  sort: { name: ATTR.uid, type: 'S' },
  projection: 'ALL',
};

/** String PK/SK and the type index. No local secondary index: an LSI caps each partition at 10 GB. */
export const TABLE_LAYOUT: TableLayout = {
  partition: { name: ATTR.pk, type: 'S' },
  sort: { name: ATTR.sk, type: 'S' },
  indexes: [TYPE_INDEX],
};
