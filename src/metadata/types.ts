/** How a Date field is stored. `iso` keeps milliseconds and sorts lexically; epoch forms suit TTL attributes. */
export type DateFormat = 'iso' | 'epochSeconds' | 'epochMilliseconds';

/** A class the library can instantiate. Entities must be constructible without arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Constructor<T = object> = abstract new (...args: any[]) => T;

/** What `@Field({ type })` may return: a primitive wrapper, Date, BigInt, Object (any value) or a class. */
export type TypeHint = ((...args: never[]) => unknown) | Constructor<unknown>;

export interface FieldOptions {
  /**
   * The value type when `design:type` cannot tell it: the element type of an array
   * (`@Field({ type: () => Address }) addresses!: Address[]`), or a nested class.
   */
  type?: () => TypeHint;
  /** Storage of Date values. @default 'iso' */
  dateFormat?: DateFormat;
}

export interface TableOptions {
  /**
   * Makes this a child type stored in its parent's item collection: every child item lives in the
   * partition of one parent entity (`PK` = the parent's key, `SK = <typeName>#<strId>`), so one Query
   * reads a parent with its children. The str id is unique within its parent. One level: the parent
   * may not be a child itself. A function, so that classes may be declared in any order.
   */
  parent?: () => Constructor;
  /**
   * How the type's items are in a type index, which lists, counts and finds by uid every entity of
   * the type (across parents):
   * - `'all'`: in `type-uid-index`, a whole copy of each item. Listings are one Query; every write
   *   also rewrites the copy (twice the write units).
   * - `'keys'`: in `type-keys-index`, keys only. A write that moves no key writes nothing there
   *   (update, save, increment cost the item alone); create and delete add a small index write.
   *   Listings read the keys then the entities (BatchGetItem); counts read keys only.
   * - `'none'`: in no type index. Every write costs the item alone; no listing, count or uid look-up
   *   across parents (a child type is read through its parents and `@Index`es).
   * Changing it for a type with stored items: `em.ensureTableExists()`, then
   * `em.reindex(Entity, { fromTypeIndex })`. @default 'all'
   */
  typeIndex?: TypeIndexMode;
}

/** Whether a type's items are in the type index: see `TableOptions.typeIndex`. */
export type TypeIndexMode = 'all' | 'keys' | 'none';

/**
 * What a secondary index copies of each item: `'all'` (queries return whole entities), `'keys'` (the
 * index holds keys only: cheap counts and existence checks; a query reads the entities by key), or a
 * list of field names (DynamoDB's INCLUDE projection: a query with `select` among them is answered
 * by the index alone; the index has a GSI of its own).
 */
export type IndexProjection = 'all' | 'keys' | readonly string[];

/** The projections whose GSIs are generic and shared by every entity type (slots). */
export type SharedProjection = 'all' | 'keys';

export interface IndexOptions {
  /** Fields whose values are equal for every entity a query returns (`where` gives each). */
  partition: readonly string[];
  /** Fields that order the entities within a partition, compared in this order. @default [] */
  sort?: readonly string[];
  /** @default 'all' */
  projection?: IndexProjection;
  /**
   * Which generic GSI of the table holds this index (1-based, per projection). Defaults to the
   * index's position among the class's indexes of the same projection, top to bottom. Pin it when
   * reordering or removing indexes, so an index never moves away from the data already written.
   * Not with a field list, whose index has a GSI of its own.
   */
  slot?: number;
}

/** A field that forms part of an index key: only scalar types have an order. */
export interface IndexKeyField {
  readonly property: string;
  readonly type: ValueType & { readonly kind: 'string' | 'number' | 'bigint' | 'date' | 'boolean' };
}

/** A validated `@Index`, with the physical GSI that holds it. */
export interface IndexMetadata {
  readonly name: string;
  readonly partition: readonly IndexKeyField[];
  readonly sort: readonly IndexKeyField[];
  /** `'include'`: `projection` was a field list, and the index has a GSI of its own. */
  readonly projection: SharedProjection | 'include';
  /**
   * For `'include'`: the attributes the GSI copies besides the keys (the fields listed, then the uid,
   * the version and the str id, which hydrate an entity). Empty for the other projections.
   */
  readonly nonKeyAttributes: readonly string[];
  /** The slot of a shared GSI; 0 for an `'include'` index. */
  readonly slot: number;
  /** The GSI's name and its key attributes, e.g. `gsi1`, `_gsi1pk`, `_gsi1sk`, or `article.byTag`, `_gsi.article.byTag.pk`... */
  readonly gsi: string;
  readonly partitionAttribute: string;
  readonly sortAttribute: string;
}

/** The resolved type of a stored value. */
export type ValueType =
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'date'; readonly format: DateFormat }
  /** `Buffer` or `Uint8Array`; `buffer` says which class a load gives back. */
  | { readonly kind: 'binary'; readonly buffer: boolean }
  | { readonly kind: 'any' }
  | { readonly kind: 'array'; readonly element: ValueType }
  | { readonly kind: 'class'; readonly shape: ClassShape };

export interface FieldMetadata {
  /** Property name on the class, which is also the attribute name in the item. */
  readonly property: string;
  readonly type: ValueType;
}

/** The persisted shape of a class: its `@Field` properties. Shared by entities and nested classes. */
export interface ClassShape {
  readonly target: Constructor;
  readonly className: string;
  /** Filled in after construction so that self-referencing classes resolve. */
  readonly fields: FieldMetadata[];
}

export interface EntityMetadata {
  readonly target: Constructor;
  readonly className: string;
  /** `@Table(typeName)`: the stable name stored in keys. Renaming the class does not change it. */
  readonly typeName: string;
  readonly strIdProperty: string;
  /** All persisted fields, the str id field included; `uid` and `version` excluded. */
  readonly shape: ClassShape;
  /** `@Unique()` fields: each value held by at most one entity of the type, through guard items. */
  readonly uniqueFields: readonly string[];
  /** Whether class-validator has any constraint registered for the class (skips a no-op call per write). */
  readonly hasValidators: boolean;
  /** `@Index` declarations, top to bottom. */
  readonly indexes: readonly IndexMetadata[];
  /** The parent type of a child type (`@Table(type, { parent })`): its items live in a parent's partition. */
  readonly parent: EntityMetadata | undefined;
  /** Whether the type's items carry `_type`, which puts them in the type index. */
  readonly typeIndex: TypeIndexMode;
}
