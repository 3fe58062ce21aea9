import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import { GUARD_ATTR, guardKey, isUid, parentStrIdOfItem, uniqueValueText } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
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
   * One query of the type index (a keys-only one gives the key: then one consistent GetItem). A
   * scoped mapper finds only the entities of its parent, unless `anyParent`: a uid names one entity
   * of the type, whichever parent holds it. A type outside any type index has no uid look-up.
   */
  async findByUid(uid: string, anyParent: boolean): Promise<T | undefined> {
    const { meta, parentStrId } = this.mapper;
    if (!isUid(uid)) throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(uid)}.`, meta.className);
    if (meta.typeIndex === 'none') {
      throw new InvalidArgumentError(`${meta.className} is in no type index (typeIndex: 'none'), so it cannot be found by uid.`, meta.className, {
        hint: meta.parent ? 'Read it by its str id within its parent.' : 'Read it by its str id (getByStr).',
      });
    }
    const output = await this.context.executor.send('Query', queryByUidInput(this.context.tableName, meta, uid), meta.className);
    const found = output.Items?.[0];
    if (found === undefined) return undefined;
    if (!anyParent && parentStrId !== undefined && parentStrIdOfItem(meta, found) !== parentStrId) return undefined;
    const item = meta.typeIndex === 'keys' ? await this.itemOfKey(found) : found;
    return item && this.mapper.fromItem(item);
  }

  /** The entity a keys-only index item names, read consistently; undefined if deleted or replaced (another uid) since. */
  private async itemOfKey(indexItem: Item): Promise<Item | undefined> {
    const key = { [ATTR.pk]: indexItem[ATTR.pk] as AttributeValue, [ATTR.sk]: indexItem[ATTR.sk] as AttributeValue };
    const { Item: item } = await this.context.executor.send('GetItem', getItemInput(this.context.tableName, key), this.mapper.meta.className);
    return item && item[ATTR.uid]?.S === indexItem[ATTR.uid]?.S ? item : undefined;
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
