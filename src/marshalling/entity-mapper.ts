import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityValidationError, ItemTooLargeError, MetadataError, ParentRequiredError } from '../errors';
import { isUid, parentStrIdOfItem, primaryKeyOf, strIdProblem, uniqueValueText } from '../keys';
import type { ItemKey } from '../keys';
import { ATTR, LIMITS } from '../metadata/attributes';
import { getEntityMetadata } from '../metadata/entity-metadata';
import { memoizePerClass } from '../metadata/registry';
import type { Constructor, EntityMetadata } from '../metadata/types';
import { decodeFields, encodeFields, shapeFromInput } from './codec';
import type { CompiledShape } from './codec';
import { compileShape } from './compile';
import { itemSize } from './item-size';
import { rememberStored, storedStateOf } from './stored-state';
import type { StoredState } from './stored-state';
import { identityOfItem, writeHistoryOf } from './stored-item';
import { addIndexAttributes, managedAttributesForPut } from './managed';
import { constraintsHold } from './constraint-check';
import { classValidatorReport } from './validation';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';

/** The bookkeeping every persisted entity carries next to its fields. */
export interface EntityIdentity {
  uid: string;
  version: number;
}

type Mutable = Record<string, unknown>;

const VALID: Promise<void> = Promise.resolve();

/** Input keys `build` handles itself: the bookkeeping, never copied as fields. */
const MANAGED_KEYS: ReadonlySet<string> = new Set(['uid', 'version']);

/**
 * Converts between entity instances and DynamoDB items for one class. Built once per class (no
 * reflection per call): validation, marshalling and hydration all run from the precompiled plan.
 */
export class EntityMapper<T extends object> {
  readonly meta: EntityMetadata;
  /** The compiled conversion plan (internal: used by partial updates). */
  readonly plan: CompiledShape;

  /**
   * The parent whose partition this mapper's keys are in (a child type's mapper made by `inParent`);
   * undefined for top-level types and for a child type's unscoped mapper, which composes no key.
   */
  readonly parentStrId: string | undefined;

  private constructor(meta: EntityMetadata, plan: CompiledShape, parentStrId?: string) {
    this.meta = meta;
    this.plan = plan;
    this.parentStrId = parentStrId;
  }

  static of<T extends object>(target: Constructor<T>): EntityMapper<T> {
    return memoizePerClass(target, 'mapper', () => {
      const meta = getEntityMetadata(target);
      return new EntityMapper<T>(meta, compileShape(meta.shape));
    });
  }

  /** The mapper of a child type within one parent: same plan, keys in that parent's partition. */
  inParent(parentStrId: string): EntityMapper<T> {
    return new EntityMapper<T>(this.meta, this.plan, parentStrId);
  }

  /** Entity instance from plain input (an instance passes through). Unknown properties are rejected. */
  build(input: unknown): T {
    if (input instanceof this.meta.target) return input as T;
    const sink: ViolationSink = [];
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw this.invalid([{ property: '', constraints: { type: `expected a ${this.meta.className} or a plain object` } }]);
    }
    const { uid, version } = input as Mutable;
    if (version !== undefined) {
      addViolation(sink, 'version', 'managed', 'version is managed by dynamo-single-table; load the entity and save() it instead');
    }
    // The managed keys are skipped in place rather than split off with a rest spread (a copy per call).
    const entity = this.construct(() => shapeFromInput(this.plan, input, '', sink, MANAGED_KEYS)) as Mutable;
    if (uid !== undefined) {
      if (isUid(uid)) entity.uid = uid;
      else addViolation(sink, 'uid', 'isUuid', 'uid must be a lower-case UUID');
    }
    if (sink.length > 0) throw this.invalid(sink);
    return entity as T;
  }

  /**
   * Runs class-validator on the entity (skipped for classes without constraints). The common case,
   * every constraint holding, settles at once: no async frames, no class-validator run.
   */
  validate(entity: T): Promise<void> {
    if (!this.meta.hasValidators) return VALID;
    try {
      if (constraintsHold(entity)) return VALID;
    } catch (error) {
      return Promise.reject(error); // a throwing validator rejects, as class-validator's would
    }
    return this.reportViolations(entity);
  }

  private async reportViolations(entity: T): Promise<void> {
    const violations = await classValidatorReport(entity);
    if (violations.length > 0) throw this.invalid(violations);
  }

  /** The str id of an entity, checked against DynamoDB's key rules. */
  strIdOf(entity: T): string {
    return this.checkedStrId((entity as Mutable)[this.meta.strIdProperty]);
  }

  /** The primary key for a str id given by a caller, checked before any request. */
  keyOf(strId: unknown): ItemKey {
    const parentStrId = this.requiredParent();
    return primaryKeyOf(this.meta, this.checkedStrId(strId), parentStrId);
  }

  /** The full item for a write: keys, bookkeeping and every defined field. Checks storability and size. */
  toItem(entity: T, identity: EntityIdentity): Record<string, AttributeValue> {
    const parentStrId = this.requiredParent();
    const strId = this.strIdOf(entity);
    const item = managedAttributesForPut(this.meta, strId, identity, storedStateOf(entity)?.writes, parentStrId);
    const sink: ViolationSink = [];
    encodeFields(this.plan, entity as Mutable, '', sink, item);
    addIndexAttributes(this.meta, item, sink);
    if (sink.length > 0) throw this.invalid(sink);
    const size = itemSize(item);
    if (size > LIMITS.itemBytes) throw new ItemTooLargeError(this.meta.className, strId, size, LIMITS.itemBytes);
    return item;
  }

  /** A new entity instance from a stored item, without running the class constructor. */
  fromItem(item: Record<string, AttributeValue>): T {
    const entity = Object.create(this.meta.target.prototype) as Mutable;
    entity.uid = item[ATTR.uid]?.S;
    entity.version = Number(item[ATTR.version]?.N);
    decodeFields(this.plan, item, entity as Record<string, unknown>);
    this.remember(entity as T, entity[this.meta.strIdProperty] as string, item);
    return entity as T;
  }

  /** Overwrites a loaded instance with a stored item: fields missing from the item become undefined. */
  refresh(entity: T, item: Record<string, AttributeValue>): T {
    const target = entity as Mutable;
    for (const field of this.plan.fields) target[field.property] = undefined;
    decodeFields(this.plan, item, target as Record<string, unknown>);
    this.markStored(entity, target[this.meta.strIdProperty] as string, identityOfItem(item), item);
    return entity;
  }

  identityOf(entity: T): Partial<EntityIdentity> {
    const { uid, version } = entity as Partial<EntityIdentity>;
    return { uid, version };
  }

  /** Records a successful write of `item` on the instance itself. */
  markStored(entity: T, strId: string, identity: EntityIdentity, item: Record<string, AttributeValue>): void {
    const target = entity as Mutable;
    target.uid = identity.uid;
    target.version = identity.version;
    this.remember(entity, strId, item);
  }

  storedStrIdOf(entity: T): string | undefined {
    return storedStateOf(entity)?.strId;
  }

  /** The guarded text of each `@Unique()` field of an entity (undefined where unconstrained). */
  uniqueValuesOf(entity: T): Record<string, string | undefined> {
    const values: Record<string, string | undefined> = {};
    for (const field of this.meta.uniqueFields) values[field] = uniqueValueText((entity as Mutable)[field]);
    return values;
  }

  /** Unique values as they were when the instance was loaded or last written, if known. */
  storedUniquesOf(entity: T): Readonly<Record<string, string | undefined>> | undefined {
    return storedStateOf(entity)?.uniques;
  }

  /** The parent str id a child entity was loaded under or written to (undefined for a top-level type or a new entity). */
  storedParentOf(entity: T): string | undefined {
    return storedStateOf(entity)?.parent;
  }

  private remember(entity: T, strId: string, item: Record<string, AttributeValue>): void {
    const writes = writeHistoryOf(item);
    const uniques = this.meta.uniqueFields.length > 0 ? this.uniqueValuesOf(entity) : undefined;
    const state: StoredState = uniques ? { strId, writes, uniques } : { strId, writes };
    if (this.meta.parent !== undefined) (state as { parent?: string }).parent = parentStrIdOfItem(this.meta, item);
    rememberStored(entity, state);
  }

  /** A child type's parent str id; a ParentRequiredError, before any request, when this mapper has none. */
  private requiredParent(): string | undefined {
    const { parent } = this.meta;
    if (parent !== undefined && this.parentStrId === undefined) {
      throw new ParentRequiredError(this.meta.className, parent.className, 'a read or write by str id');
    }
    return this.parentStrId;
  }

  private checkedStrId(value: unknown): string {
    const problem = strIdProblem(this.meta, value);
    if (problem !== undefined) throw this.invalid([{ property: this.meta.strIdProperty, constraints: { strId: problem } }]);
    return value as string;
  }

  private construct(make: () => unknown): unknown {
    try {
      return make();
    } catch (error) {
      throw new MetadataError(
        `${this.meta.className} could not be constructed without arguments (${String(error)}).`,
        this.meta.className,
        { hint: 'Entity constructors must accept no arguments; add static factory methods instead.' },
      );
    }
  }

  private invalid(violations: ViolationSink): EntityValidationError {
    return new EntityValidationError(this.meta.className, violations);
  }
}
