import { DescribeTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EntityManager, Field, Index, InvalidArgumentError, MetadataError, StrId, Table } from '../../src';
import { describeEachEngine } from '../support/engines';

/** Two tables in one process, each laid out for its own entities (`entities` option). */

@Table('order')
@Index('byCustomer', { partition: ['customer'] })
class Order {
  @StrId() id!: string;
  @Field() customer?: string;
}

@Table('event')
@Index('byKind', { partition: ['kind'], projection: 'keys' })
class AuditEvent {
  @StrId() id!: string;
  @Field() kind?: string;
}

class NotAnEntity {
  id!: string;
}

describeEachEngine('EntityManager entities: one table per set of entities', (engine) => {
  const gsisOf = async (tableName: string) =>
    ((await engine().client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();
  const recordedTypes = async (tableName: string) =>
    (
      (
        await engine().client.send(
          new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: '_layout' } }, ConsistentRead: true }),
        )
      ).Items ?? []
    ).map((item) => item.SK?.S);

  it('creates each table with the GSIs of its own entities only, and records only their layout', async () => {
    const orders = new EntityManager({ client: engine().client, tableName: engine().tableName('orders'), entities: [Order] });
    const audit = new EntityManager({ client: engine().client, tableName: engine().tableName('audit'), entities: [AuditEvent] });
    await orders.ensureTableExists();
    await audit.ensureTableExists();
    expect(await gsisOf(orders.tableName)).toEqual(['gsi1', 'type-uid-index']);
    expect(await gsisOf(audit.tableName)).toEqual(['gsik1', 'type-uid-index']);
    expect(await recordedTypes(orders.tableName)).toEqual(['order']);
    expect(await recordedTypes(audit.tableName)).toEqual(['event']);
    await orders.getRepository(Order).create({ id: 'o1', customer: 'ada' });
    const found = await orders.getRepository(Order).query({ index: 'byCustomer', where: { customer: 'ada' } }).toArray();
    expect(found.map((order) => order.id)).toEqual(['o1']);
  });

  it('without the option, a table gets the GSIs of every decorated class in the process', async () => {
    const all = new EntityManager({ client: engine().client, tableName: engine().tableName('all') });
    await all.ensureTableExists();
    expect(await gsisOf(all.tableName)).toEqual(['gsi1', 'gsik1', 'type-uid-index']);
  });

  it('refuses a list that is not of entity classes, before any request', () => {
    const make = (entities: unknown) => new EntityManager({ client: engine().client, tableName: 'unused-table', entities: entities as never });
    expect(() => make(Order)).toThrow(InvalidArgumentError);
    expect(() => make([Order, NotAnEntity])).toThrow(MetadataError);
  });
});
