import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import { decodeCursor, encodeCursor, partitionKeyOf, primaryKeyOf } from '../../keys';
import type { ItemKey } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
import type { EntityMetadata } from '../../metadata/types';
import { countByTypeInput, queryByTypeInput, scanTypeInput } from '../../operations/entity-commands';
import { EntityIterable, checkLimit } from '../entity-iterable';
import type { RepositoryContext } from '../context';
import type { ListOptions, QueryOptions } from '../types';

type Item = Record<string, AttributeValue>;

/** Listing and counting one entity type: type-index queries, and the table scan as the expensive path. */
export class EntityLister<T extends object> {
  private readonly metadata: EntityMetadata;

  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
  ) {
    this.metadata = mapper.meta;
  }

  /** Number of entities of this type: `Select: COUNT` queries of the type index, never a scan. */
  async count(): Promise<number> {
    let total = 0;
    let startKey: ItemKey | undefined;
    do {
      const input = countByTypeInput(this.context.tableName, this.metadata.typeName, startKey);
      const output = await this.context.executor.send('Query', input, this.metadata.className);
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /** All entities of this type in creation order, from the type index, page by page. */
  query(options: QueryOptions = {}): EntityIterable<T> {
    const { typeName, className } = this.metadata;
    const limit = checkLimit(options.limit, className);
    const descending = checkOrder(options.order, className);
    const position = options.cursor === undefined ? undefined : decodeCursor(options.cursor, this.metadata, 'typeIndex');
    const startKey = position && { ...primaryKeyOf(this.metadata, position.strId), [ATTR.type]: { S: typeName }, [ATTR.uid]: { S: position.uid as string } };
    const source = {
      fetch: async (from: ItemKey | undefined, pageLimit: number | undefined) => {
        const input = queryByTypeInput(this.context.tableName, typeName, { startKey: from, limit: pageLimit, descending });
        const output = await this.context.executor.send('Query', input, className);
        return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey };
      },
      cursorAfter: (item: Item) => encodeCursor('typeIndex', { strId: this.strIdOfItem(item), uid: item[ATTR.uid]?.S as string }),
    };
    return new EntityIterable(source, (item) => this.mapper.fromItem(item), startKey, limit);
  }

  /**
   * The expensive path: a full table Scan filtered to this type. It reads (and bills) every item of
   * every type in the table. Prefer `query()`, which reads only this type.
   */
  scan(options: ListOptions = {}): EntityIterable<T> {
    const { className } = this.metadata;
    const limit = checkLimit(options.limit, className);
    const position = options.cursor === undefined ? undefined : decodeCursor(options.cursor, this.metadata, 'scan');
    const source = {
      fetch: async (from: ItemKey | undefined) => {
        const input = scanTypeInput(this.context.tableName, this.metadata.typeName, from);
        const output = await this.context.executor.send('Scan', input, className);
        return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey };
      },
      cursorAfter: (item: Item) => encodeCursor('scan', { strId: this.strIdOfItem(item) }),
    };
    const startKey = position && primaryKeyOf(this.metadata, position.strId);
    return new EntityIterable(source, (item) => this.mapper.fromItem(item), startKey, limit);
  }

  private strIdOfItem(item: Item): string {
    const pk = item[ATTR.pk]?.S as string;
    return pk.slice(partitionKeyOf(this.metadata.typeName, '').length);
  }
}

function checkOrder(order: unknown, entity: string): boolean {
  if (order === undefined || order === 'asc') return false;
  if (order === 'desc') return true;
  throw new InvalidArgumentError(`order must be 'asc' or 'desc', got ${JSON.stringify(order)}.`, entity);
}
