import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import { GUARD_ATTR, guardKey, isUid, parentStrIdOfItem, uniqueValueText } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { getItemInput, queryByUidInput } from '../../operations/entity-commands';
import type { RepositoryContext } from '../context';

type Item = Record<string, AttributeValue>;

/** Where a `@Unique()` value's guard says its owner is: a str id, and a child type's parent. */
export interface UniqueOwner {
  strId: string;
  parentStrId: string | undefined;
}

/** The reads of one entity by its key, its uid or a unique value (a repository's, scoped or not). */
export class EntityFinder<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
  ) {}

  /** One strongly consistent GetItem. */
  async fetchItem(strId: string): Promise<Item | undefined> {
    const key = this.mapper.keyOf(strId);
    const output = await this.context.executor.send('GetItem', getItemInput(this.context.tableName, key), this.mapper.meta.className);
    return output.Item;
  }

  /**
   * One query of the type index. A scoped mapper finds only the entities of its parent, unless
   * `anyParent`: a uid names one entity of the type, whichever parent holds it.
   */
  async findByUid(uid: string, anyParent: boolean): Promise<T | undefined> {
    const { meta, parentStrId } = this.mapper;
    if (!isUid(uid)) throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(uid)}.`, meta.className);
    const output = await this.context.executor.send('Query', queryByUidInput(this.context.tableName, meta.typeName, uid), meta.className);
    const item = output.Items?.[0];
    if (item === undefined) return undefined;
    if (!anyParent && parentStrId !== undefined && parentStrIdOfItem(meta, item) !== parentStrId) return undefined;
    return this.mapper.fromItem(item);
  }

  /** The owner a unique value's guard item names (one consistent GetItem), or undefined when no entity holds it. */
  async uniqueOwner(field: string, value: unknown): Promise<UniqueOwner | undefined> {
    const { meta } = this.mapper;
    const text = uniqueValueText(value);
    if (!meta.uniqueFields.includes(field) || text === undefined) {
      throw new InvalidArgumentError(
        `findByUnique() needs a @Unique() field of ${meta.className} (${meta.uniqueFields.join(', ') || 'it has none'}) and a string or number value.`,
        meta.className,
      );
    }
    const input = getItemInput(this.context.tableName, guardKey(meta, field, text));
    const guard = (await this.context.executor.send('GetItem', input, meta.className)).Item;
    const strId = guard?.[GUARD_ATTR.ownerStrId]?.S;
    return strId === undefined ? undefined : { strId, parentStrId: guard?.[GUARD_ATTR.ownerParentStrId]?.S };
  }
}
