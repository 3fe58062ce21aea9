import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeChange } from '../expressions';
import { newWriteId, partitionKeyOf } from '../keys';
import { indexAttributesOf } from '../keys/index-key';
import { ATTR } from '../metadata/attributes';
import type { EntityMetadata } from '../metadata/types';
import { addHistoryAttributes, shiftedHistory } from './stored-item';
import type { WriteHistory } from './stored-item';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';

/**
 * Every attribute the library manages on an entity item, the one place that computes them: for a
 * full put (create, save, batch and transaction puts) and for a partial update (update, increment,
 * transaction updates). A new managed attribute (timestamps, TTL, index keys) is added here, once.
 */

type Item = Record<string, AttributeValue>;

export interface ManagedIdentity {
  uid: string;
  version: number;
}

/** The managed attributes of a put: keys, type, identity, and the write history carried on. */
export function managedAttributesForPut(meta: EntityMetadata, strId: string, identity: ManagedIdentity, previous: WriteHistory): Item {
  const { typeName } = meta;
  const item: Item = {
    [ATTR.pk]: { S: partitionKeyOf(typeName, strId) },
    [ATTR.sk]: { S: typeName },
    [ATTR.type]: { S: typeName },
    [ATTR.uid]: { S: identity.uid },
    [ATTR.version]: { N: String(identity.version) },
  };
  return addHistoryAttributes(item, newWriteId(), previous);
}

/**
 * Adds the key attributes of every `@Index` the item belongs to, computed from its fields as stored.
 * Run on the complete item of a put, after its fields: a key too long for DynamoDB is reported as a
 * violation of the index's first field.
 */
export function addIndexAttributes(meta: EntityMetadata, item: Item, sink: ViolationSink): Item {
  if (meta.indexes.length === 0) return item;
  const keys = indexAttributesOf(meta, item, (index, problem) => addViolation(sink, index.partition[0]?.property ?? '', 'indexKey', problem));
  return Object.assign(item, keys);
}

/**
 * The managed changes of a partial update: the version moves on by one. The write id is recorded by
 * the update expression itself (it shifts the history in the engine; see buildUpdateExpression).
 */
export function managedChangesForUpdate(): AttributeChange[] {
  return [{ kind: 'increment', attribute: ATTR.version, by: ONE }];
}

const ONE: AttributeValue = { N: '1' };

/** The managed attributes an update leaves on `item`, computed locally (transactions return no values). */
export function managedAttributesAfterUpdate(item: Item, writeId: string): Item {
  return { [ATTR.version]: { N: String(Number(item[ATTR.version]?.N) + 1) }, ...shiftedHistory(item, writeId) };
}
