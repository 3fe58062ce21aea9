import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBRequestError,
  EntityNotFoundError,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  VersionConflictError,
} from '../../errors';
import { isConditionFailure } from '../../client/executor';
import type { AttributeChange } from '../../expressions';
import { newWriteId } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { patchToChanges } from '../../marshalling/patch';
import { bigintAttribute, numberAttribute } from '../../marshalling/scalars';
import { LIMITS } from '../../metadata/attributes';
import { holdsWrite, identityOfItem } from '../../marshalling/stored-item';
import { updateItemInput } from '../../operations/update-commands';
import type { RepositoryContext } from '../context';
import type { UniqueWriter } from './unique-writer';
import type { EntityInput } from '../types';

type Item = Record<string, AttributeValue>;

export interface UpdateOptions {
  /** Apply only if the stored entity is at this version; `VersionConflictError` otherwise. */
  expectedVersion?: number;
}

/** Partial updates and counters: one UpdateItem each, returning the updated entity. */
export class EntityUpdater<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
    private readonly unique: UniqueWriter<T> | undefined,
  ) {}

  async update(strId: string, patch: Partial<EntityInput<T>>, options: UpdateOptions = {}): Promise<T> {
    const key = this.mapper.keyOf(strId);
    this.checkVersionOption(options.expectedVersion);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch) || Object.keys(patch).length === 0) {
      throw new InvalidArgumentError(`update() of ${this.className} needs a non-empty object of fields to change.`, this.className);
    }
    const { changes, violations } = await patchToChanges(this.mapper.meta, this.mapper.plan, patch as Record<string, unknown>);
    if (violations.length > 0) throw new EntityValidationError(this.className, violations);
    const uniqueFields = this.mapper.meta.uniqueFields;
    if (this.unique && changes.some((change) => uniqueFields.includes(change.attribute))) {
      return this.unique.update(strId, changes, options.expectedVersion);
    }
    return this.apply(strId, key, changes, options.expectedVersion);
  }

  async increment(strId: string, field: string, by: number | bigint = 1, options: UpdateOptions = {}): Promise<T> {
    const key = this.mapper.keyOf(strId);
    this.checkVersionOption(options.expectedVersion);
    const type = this.mapper.plan.shape.fields.find((f) => f.property === field)?.type.kind;
    if (this.mapper.meta.uniqueFields.includes(field)) {
      throw new InvalidArgumentError(`${this.className}.${field} is @Unique(); change it with update(), not increment().`, this.className);
    }
    if (type !== 'number' && type !== 'bigint') {
      throw new InvalidArgumentError(`${this.className}.${field} is not a number field; increment() adds to numbers only.`, this.className);
    }
    const sink: { property: string; constraints: Record<string, string> }[] = [];
    const amount =
      typeof by === 'bigint' ? bigintAttribute(by, field, sink) : typeof by === 'number' ? numberAttribute(by, field, sink) : undefined;
    if (!amount) throw new InvalidArgumentError(`increment() of ${this.className}.${field} needs a finite amount, got ${String(by)}.`, this.className);
    return this.apply(strId, key, [{ kind: 'increment', attribute: field, by: amount }], options.expectedVersion);
  }

  private async apply(strId: string, key: Item, changes: AttributeChange[], expectedVersion: number | undefined): Promise<T> {
    const writeId = newWriteId();
    const input = updateItemInput(this.context.tableName, key, { changes, writeId, expectedVersion });
    try {
      const output = await this.context.executor.send('UpdateItem', input, this.className);
      return this.mapper.fromItem(output.Attributes as Item);
    } catch (error) {
      if (!isConditionFailure(error)) throw this.translate(error, strId);
      const stored = error.item ?? (await this.fetchItem(strId));
      // Our own write, applied by an earlier attempt whose answer was lost (other writes may have
      // followed it): done, not a conflict. The entity returned is the item as stored now.
      if (holdsWrite(stored, writeId)) return this.mapper.fromItem(stored as Item);
      if (!stored) throw new EntityNotFoundError(this.className, { [this.mapper.meta.strIdProperty]: strId });
      const actual = identityOfItem(stored).version;
      throw new VersionConflictError(this.className, strId, expectedVersion ?? actual, actual, error);
    }
  }

  private translate(error: unknown, strId: string): unknown {
    if (error instanceof DynamoDBRequestError && error.awsErrorName === 'ValidationException' && /size/i.test(error.message)) {
      return new ItemTooLargeError(this.className, strId, undefined, LIMITS.itemBytes);
    }
    return error;
  }

  private checkVersionOption(version: unknown): void {
    if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
      throw new InvalidArgumentError(`expectedVersion must be a positive integer, got ${String(version)}.`, this.className);
    }
  }

  private get className(): string {
    return this.mapper.meta.className;
  }
}
