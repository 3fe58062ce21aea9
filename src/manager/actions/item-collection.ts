import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MetadataError, TransactionCanceledError } from '../../errors';
import type { TransactionItemFailure } from '../../errors';
import type { ItemKey } from '../../keys';
import { compareUtf8 } from '../../keys/index-key-range';
import { EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
import { getRegistry } from '../../metadata/registry';
import type { Constructor, EntityMetadata, TableOptions } from '../../metadata/types';
import { childTypeCondition, keyAfterItemType, unknownTypeGaps } from '../../operations/cascade-commands';
import { itemTypeOf, partitionQueryInput } from '../../operations/collection-commands';
import type { RepositoryContext } from '../context';

type Item = Record<string, AttributeValue>;

/** A child item read from its parent's partition, with the mapper of its type scoped to that parent. */
export interface ChildItem {
  readonly type: string;
  readonly item: Item;
  readonly mapper: EntityMapper<object>;
}

/** What one read of a partition found, up to a number of items. */
export interface CollectionRead {
  /** The parent's own item, if it was among the items read. */
  readonly parent: Item | undefined;
  readonly children: ChildItem[];
  /** Types of items read that no registered child class of the parent has. */
  readonly unknownTypes: ReadonlySet<string>;
  /** Whether every item of the partition was read (then `parent` is known to be absent when undefined). */
  readonly complete: boolean;
  readonly itemsRead: number;
}

/** At most this many unknown types are looked for and named: enough to tell what to import. */
const UNKNOWN_TYPES_NAMED = 10;

/**
 * A parent's item collection: its partition (`PK` = the parent's key), holding the parent's own item
 * and its children. Which child types exist is found among the registered `@Table` classes whose
 * parent is this type; an item of any other type cannot be handled (its unique guards are unknown).
 */
export class ItemCollection {
  readonly partitionKey: string;
  private readonly childClasses: ReadonlyMap<string, Constructor>;
  private readonly mappers = new Map<string, EntityMapper<object> | undefined>();

  constructor(
    private readonly context: RepositoryContext,
    readonly parent: EntityMetadata,
    readonly parentKey: ItemKey,
    readonly parentStrId: string,
  ) {
    this.partitionKey = parentKey[ATTR.pk]?.S as string;
    this.childClasses = registeredChildClasses(parent);
  }

  /** The registered child type names. */
  childTypes(): string[] {
    return [...this.childClasses.keys()];
  }

  /** Consistent Query pages of the whole partition until it is read or more than `maxItems` items were. */
  async read(maxItems: number): Promise<CollectionRead> {
    const children: ChildItem[] = [];
    const unknownTypes = new Set<string>();
    let parent: Item | undefined;
    let itemsRead = 0;
    let startKey: ItemKey | undefined;
    do {
      const input = partitionQueryInput(this.context.tableName, this.partitionKey, { limit: maxItems + 1 - itemsRead, startKey });
      const output = await this.context.executor.send('Query', input, this.parent.className);
      for (const item of output.Items ?? []) {
        itemsRead += 1;
        const sortKey = item[ATTR.sk]?.S ?? '';
        if (sortKey === this.parent.typeName) {
          parent = item;
          continue;
        }
        // A sort key without `#` is no child's: the parent's is the only one.
        const type = itemTypeOf(sortKey);
        const mapper = type === sortKey ? undefined : this.mapperOf(type);
        if (mapper) children.push({ type, item, mapper });
        else unknownTypes.add(type);
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey && itemsRead <= maxItems);
    return { parent, children, unknownTypes, complete: startKey === undefined, itemsRead };
  }

  /** The children of one type, page by page (consistent Query pages of up to 1 MB). */
  async *pagesOfType(type: string): AsyncGenerator<ChildItem[]> {
    const mapper = this.mapperOf(type) as EntityMapper<object>;
    let startKey: ItemKey | undefined;
    do {
      const input = partitionQueryInput(this.context.tableName, this.partitionKey, { sort: childTypeCondition(type), startKey });
      const output = await this.context.executor.send('Query', input, this.parent.className);
      yield (output.Items ?? []).map((item) => ({ type, item, mapper }));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * The types of items in the partition that no registered child class has, without reading the
   * partition: one `Limit: 1` Query per gap between the key ranges of the known types (and one more
   * per unknown type found), whatever the collection's size.
   */
  async unknownTypes(): Promise<Set<string>> {
    const found = new Set<string>();
    for (const gap of unknownTypeGaps(this.parent.typeName, [...this.childClasses.keys()])) {
      let from = gap.from;
      while (found.size < UNKNOWN_TYPES_NAMED) {
        const sort = from === undefined ? undefined : { attribute: ATTR.sk, op: 'gte' as const, value: { S: from } };
        const input = partitionQueryInput(this.context.tableName, this.partitionKey, { sort, limit: 1 });
        const sortKey = (await this.context.executor.send('Query', input, this.parent.className)).Items?.[0]?.[ATTR.sk]?.S;
        if (sortKey === undefined || (gap.below !== undefined && compareUtf8(sortKey, gap.below) >= 0)) break;
        found.add(itemTypeOf(sortKey));
        from = keyAfterItemType(sortKey);
      }
    }
    return found;
  }

  /** Refuses, before anything is written, a collection holding items of types this process cannot handle. */
  refuseUnknown(types: ReadonlySet<string>, operation: 'delete' | 'rename', done = 'Nothing was written.'): void {
    if (types.size === 0) return;
    const { className } = this.parent;
    const names = [...types].map((type) => JSON.stringify(type)).join(', ');
    const why = operation === 'delete' ? 'deleted with it and their unique guards released' : 'moved with it and their unique guards re-pointed';
    throw new MetadataError(
      `${className} ${JSON.stringify(this.parentStrId)} holds items of type ${names}, which no class registered here declares as a child of ${className}. ${done}`,
      className,
      { hint: `Import the classes of those types (@Table('<type>', { parent: () => ${className} })) before this ${operation}, so that they are ${why}.` },
    );
  }

  mapperOf(type: string): EntityMapper<object> | undefined {
    if (!this.mappers.has(type)) {
      const target = this.childClasses.get(type);
      const mapper = target && EntityMapper.of(target);
      // The class's own metadata decides: its parent must be this very type.
      this.mappers.set(type, mapper && mapper.meta.parent?.target === this.parent.target ? mapper.inParent(this.parentStrId) : undefined);
    }
    return this.mappers.get(type);
  }
}

/**
 * The registered classes declared `@Table(type, { parent: () => Parent })` of this parent, by type
 * name. A record whose `parent` cannot be called is another class's problem (its own use reports
 * it); the class of a type found in the partition is checked when its mapper is made.
 */
export function registeredChildClasses(parent: EntityMetadata): Map<string, Constructor> {
  const children = new Map<string, Constructor>();
  for (const record of getRegistry().tables) {
    const given = (record.options as TableOptions | undefined)?.parent;
    if (typeof given !== 'function') continue;
    let target: unknown;
    try {
      target = given();
    } catch {
      continue;
    }
    if (target === parent.target) children.set(record.typeName, record.target);
  }
  return children;
}

/**
 * Whether a transaction over a collection was canceled only because items moved on between the read
 * and the write (a failed condition, a concurrent transaction) at entries from `from` on: read the
 * collection again and retry. Works on the explained error too (its cause is the cancellation).
 */
export function movedMeanwhile(error: unknown, from = 0): boolean {
  const canceled = error instanceof TransactionCanceledError ? error : (error as { cause?: unknown } | undefined)?.cause;
  if (!(canceled instanceof TransactionCanceledError) || canceled.failures.length === 0) return false;
  // A create that failed found its key taken: that is no move, and reading again changes nothing.
  const moved = (f: TransactionItemFailure) => f.reason === 'TransactionConflict' || (f.reason === 'ConditionalCheckFailed' && f.operation !== 'create');
  return canceled.failures.every((f) => f.index >= from && moved(f));
}
