import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, ConditionFailedError, EntityNotFoundError, Field, StrId, Table, Unique, VersionConflictError } from '../../src';
import { writeConditions } from '../../src/manager/actions/write-conditions';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { deleteExistingEntries } from '../../src/operations/transaction-entries';
import { conditionError } from '../../src/runners/transaction-runner';

/** tx.deleteByStr's entries by exact request, and what a failure of each means. */

type Item = Record<string, AttributeValue>;

@Table('udbEdge')
class Edge extends BaseEntity {
  @StrId() id!: string;
  @Field() role: string = 'member';
}

@Table('udbBadge')
class Badge extends BaseEntity {
  @StrId() id!: string;
  @Field() @Unique() code!: string;
}

const TABLE = 't';
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const edges = EntityMapper.of(Edge);
const badges = EntityMapper.of(Badge);
const stored = <T extends object>(mapper: EntityMapper<T>, fields: Partial<T>, version = 3): Item =>
  mapper.toItem(mapper.build(fields as never), { uid: UID, version });

describe('tx.deleteByStr entries', () => {
  it('without unique fields: one Delete conditioned on the item existing, nothing read', () => {
    const entries = deleteExistingEntries(TABLE, edges, 'e1', {});
    expect(entries).toEqual([
      {
        entity: 'Edge',
        strIdField: 'id',
        strId: 'e1',
        operation: 'deleteByStr',
        request: {
          Delete: {
            TableName: TABLE,
            Key: { PK: { S: 'udbEdge#e1' }, SK: { S: 'udbEdge' } },
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'PK' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      },
    ]);
  });

  it('a condition is ANDed after the existence check, with placeholders of its own', () => {
    const conditions = writeConditions(edges, { role: { eq: 'owner' } });
    const [entry] = deleteExistingEntries(TABLE, edges, 'e1', { conditions });
    expect(entry?.request.Delete).toMatchObject({
      ConditionExpression: 'attribute_exists(#pk) AND (#uc0 = :uc0)',
      ExpressionAttributeNames: { '#pk': 'PK', '#uc0': 'role' },
      ExpressionAttributeValues: { ':uc0': { S: 'owner' } },
    });
    expect(entry?.conditions).toBe(conditions);
  });

  it('with unique fields: conditioned on the uid and unique values read, releasing their guards', () => {
    const entries = deleteExistingEntries(TABLE, badges, 'b1', { stored: stored(badges, { id: 'b1', code: 'X-1' }) });
    expect(entries.map((e) => [e.operation, e.expectedVersion])).toEqual([
      ['deleteByStr', 3],
      ['uniqueRelease', undefined],
    ]);
    expect(entries[0]?.request.Delete).toMatchObject({
      ConditionExpression: '#c0 = :c0 AND #c1 = :c1',
      ExpressionAttributeNames: { '#c0': 'uid', '#c1': 'code' },
      ExpressionAttributeValues: { ':c0': { S: UID }, ':c1': { S: 'X-1' } },
    });
    expect(entries[1]?.request.Delete?.Key).toEqual({ PK: { S: 'udbBadge.code#X-1' }, SK: { S: 'udbBadge.code' } });
  });
});

describe('what a failed tx.deleteByStr means', () => {
  it('nothing stored: EntityNotFoundError, also after reading a version (not a VersionConflictError)', () => {
    const [plain] = deleteExistingEntries(TABLE, edges, 'e1', {});
    expect(conditionError(plain!, undefined)).toBeInstanceOf(EntityNotFoundError);
    const [read] = deleteExistingEntries(TABLE, badges, 'b1', { stored: stored(badges, { id: 'b1', code: 'X-1' }) });
    expect(conditionError(read!, undefined)).toMatchObject({ code: 'ENTITY_NOT_FOUND', entity: 'Badge' });
  });

  it('stored but failing the condition: ConditionFailedError naming the field', () => {
    const [entry] = deleteExistingEntries(TABLE, edges, 'e1', { conditions: writeConditions(edges, { role: { eq: 'owner' } }) });
    const error = conditionError(entry!, stored(edges, { id: 'e1', role: 'member' }));
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error as ConditionFailedError).fields).toEqual(['role']);
  });

  it('stored with other unique values than read: VersionConflictError from the version read to the stored one', () => {
    const [entry] = deleteExistingEntries(TABLE, badges, 'b1', { stored: stored(badges, { id: 'b1', code: 'X-1' }) });
    const error = conditionError(entry!, stored(badges, { id: 'b1', code: 'X-2' }, 4));
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expectedVersion: 3, actualVersion: 4 });
  });
});
