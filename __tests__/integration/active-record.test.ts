import { Length } from 'class-validator';
import { BaseEntity, EntityNotFoundError, Field, StrId, Table, VersionConflictError } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

/** Bound to a second table through its own manager. */
@Table('audit-entry')
class AuditEntry extends BaseEntity {
  @StrId() @Length(1, 100) key!: string;
  @Field() message?: string;
}

describeEachEngine('Active Record (BaseEntity)', (engine) => {
  const em = useEntityManager(engine, 'main');
  const auditEm = useEntityManager(engine, 'audit');
  beforeAll(() => {
    BaseEntity.useEntityManager(em());
    AuditEntry.useEntityManager(auditEm());
  });

  it('statics cover the repository: getOrCreate, create, getByStr, findByStr, getByUid, findByUid, count, query, scan', async () => {
    const [john, created] = await User.getOrCreate({ username: 'ar-john', email: 'john@example.com' });
    expect(created).toBe(true);
    expect(john).toBeInstanceOf(User);
    const jane: User = await User.create({ username: 'ar-jane', email: 'jane@example.com' });
    expect((await User.getByStr('ar-john')).uid).toBe(john.uid);
    expect(await User.findByStr('ar-nobody')).toBeUndefined();
    expect((await User.getByUid(jane.uid)).username).toBe('ar-jane');
    expect((await User.findByUid(jane.uid))?.username).toBe('ar-jane');
    expect(await User.count()).toBe(2);
    expect((await User.query().toArray()).map((u) => u.username)).toEqual(['ar-john', 'ar-jane']);
    expect((await User.scan({ allowScan: true }).toArray()).map((u) => u.username).sort()).toEqual(['ar-jane', 'ar-john']);
    expect(User.build({ username: 'x' })).toBeInstanceOf(User);
    await User.deleteByStr('ar-jane');
  });

  it('instances save, reload and delete themselves', async () => {
    const user = User.build({ username: 'ar-instance', email: 'i@example.com' });
    await user.save();
    expect(user.version).toBe(1);
    user.age = 33;
    const returned = await user.save();
    expect(returned).toBe(user);
    expect(user.version).toBe(2);
    const copy = await User.getByStr('ar-instance');
    copy.age = 34;
    await copy.save();
    user.age = 35;
    await expect(user.save()).rejects.toBeInstanceOf(VersionConflictError);
    await user.reload();
    expect([user.age, user.version]).toEqual([34, 3]);
    await user.delete();
    await expect(User.getByStr('ar-instance')).rejects.toBeInstanceOf(EntityNotFoundError);
  });

  it('a subclass bound to another manager writes to its own table', async () => {
    await AuditEntry.create({ key: 'ar-audit', message: 'hello' });
    expect(AuditEntry.getEntityManager()).toBe(auditEm());
    expect(User.getEntityManager()).toBe(em());
    expect(await auditEm().getRepository(AuditEntry).count()).toBe(1);
    expect(await em().getRepository(AuditEntry).count()).toBe(0);
  });
});
