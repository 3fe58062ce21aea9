import { BaseEntity, EntityManager, Field, NotConfiguredError, StrId, Table } from '../../src';
import { fakeClient } from '../support/fake-client';

@Table('ar-unbound')
class Unbound extends BaseEntity {
  @StrId() id!: string;
  @Field() note?: string;
}

@Table('ar-bound')
class Bound extends BaseEntity {
  @StrId() id!: string;
}

describe('Active Record binding', () => {
  it('an unbound class rejects with NotConfiguredError naming the class and the fix', async () => {
    await expect(Unbound.getByStr('x')).rejects.toBeInstanceOf(NotConfiguredError);
    await expect(Unbound.getByStr('x')).rejects.toThrow(/Unbound has no EntityManager. Call BaseEntity.useEntityManager\(em\)/);
    await expect(Unbound.build({ id: 'x' }).save()).rejects.toBeInstanceOf(NotConfiguredError);
    expect(() => Unbound.query()).toThrow(NotConfiguredError);
  });

  it('a subclass binding applies to that class only; statics are typed by the subclass', async () => {
    const { client, sent } = fakeClient(() => ({ Item: undefined }));
    const em = new EntityManager({ client, tableName: 'bound-table' });
    Bound.useEntityManager(em);
    const found: Bound | undefined = await Bound.findByStr('x');
    expect(found).toBeUndefined();
    expect(sent.map((c) => c.input.TableName)).toEqual(['bound-table']);
    await expect(Unbound.findByStr('x')).rejects.toBeInstanceOf(NotConfiguredError);
  });

  it('instances get their fields without the constructor having to copy them', () => {
    const entity = Unbound.build({ id: 'a', note: 'n' });
    expect(entity).toBeInstanceOf(Unbound);
    expect({ ...entity }).toEqual({ id: 'a', note: 'n' });
    // `declare`d identity fields: nothing shadows what the library assigns.
    expect(Object.keys(new Unbound())).toEqual(['id', 'note']);
  });
});
