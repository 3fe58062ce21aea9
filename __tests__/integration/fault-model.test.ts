import { EntityAlreadyExistsError, EntityNotFoundError } from '../../src';
import type { Repository } from '../../src';
import { describeEachEngine } from '../support/engines';
import { FAULT_MODEL, FreshFaultyManager, random, randomFault } from '../support/fault-model';
import type { FaultInjector } from '../support/faults';
import { useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

/**
 * A model check under faults: random operations on a few ids, each possibly hit by a throttle, an
 * HTTP 500, or an answer lost after the engine applied the request with ANOTHER client's increment
 * landing before the SDK's retry. After every step the stored state must equal the model's and the
 * operation must have answered as the model says (see support/fault-model.ts for scaling it up).
 */
const STEPS = FAULT_MODEL.steps(120);
const OTHER_WRITE = 1000;

type Op = 'create' | 'increment' | 'update' | 'save' | 'delete' | 'deleteByStr';
const OPS: Op[] = ['create', 'increment', 'update', 'save', 'delete', 'deleteByStr'];
const WRITE_OF: Record<Op, string> = {
  create: 'PutItem',
  increment: 'UpdateItem',
  update: 'UpdateItem',
  save: 'PutItem',
  delete: 'DeleteItem',
  deleteByStr: 'DeleteItem',
};

describeEachEngine('fault model: lost answers, retries and a concurrent writer', (engine) => {
  const em = useEntityManager(engine);
  const faulty = new FreshFaultyManager(engine, () => em().tableName);
  afterAll(() => faulty.destroy());

  it(`${STEPS} random steps keep the table equal to the model`, async () => {
    const other = em().getRepository(User);
    const next = random(FAULT_MODEL.seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const ids = ['fm-a', 'fm-b', 'fm-c'];
    const model = new Map<string, number>(); // id -> age; absent: no entity
    const figures = { steps: 0, faults: 0, otherWrites: 0, divergences: [] as string[] };

    for (let step = 0; step < STEPS; step += 1) {
      const id = pick(ids);
      const op = pick(OPS);
      const amount = 1 + Math.floor(next() * 9);
      const copy = op === 'save' || op === 'delete' ? await other.findByStr(id) : undefined;
      const before = model.get(id);
      const fault = randomFault(next, async () => {
        figures.otherWrites += 1;
        await other.increment(id, 'age', OTHER_WRITE).then(
          () => model.set(id, (model.get(id) ?? 0) + OTHER_WRITE),
          (error: unknown) => expect(error).toBeInstanceOf(EntityNotFoundError),
        );
      });
      const { em: faultyEm, faults } = faulty.next();
      const users = faultyEm.getRepository(User);
      if (fault) faults.inject({ operation: WRITE_OF[op], fault, times: 1 });
      const expected = expectedOutcome(op, before);
      // Our write lands before any concurrent write the fault lets in.
      if (expected.ok) applyToModel(model, id, op, amount);
      const outcome = await run(users, op, id, amount, copy).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      figures.steps += 1;
      figures.faults += faults.injected.length;
      const label = `step ${step} ${op}(${id}, ${amount}) fault ${fault?.kind ?? 'none'}${fault && 'meanwhile' in fault ? '+write' : ''}`;
      if (outcome.ok !== expected.ok) figures.divergences.push(`${label}: answered ${outcome.ok ? 'ok' : String(outcome.error)}`);
      else if (!outcome.ok && !expected.ok && !(outcome.error instanceof expected.error)) figures.divergences.push(`${label}: ${String(outcome.error)}`);
      else if (op === 'deleteByStr' && outcome.ok && outcome.value !== deleteByStrAnswer(before, faults)) figures.divergences.push(`${label}: returned ${String(outcome.value)}`);
      const stored = await other.findByStr(id);
      if ((stored?.age ?? undefined) !== model.get(id)) figures.divergences.push(`${label}: stored ${stored?.age} but model ${model.get(id)}`);
    }
    FAULT_MODEL.report(`[${engine().name}]`, { ...figures, divergences: figures.divergences.length });
    expect(figures.divergences).toEqual([]);
    expect(figures.faults).toBeGreaterThan(STEPS / 3);
  }, Math.max(120_000, STEPS * 300));
});

/**
 * deleteByStr answers whether an entity was deleted. After an attempt that may have been applied (a
 * 500 or a lost answer) it cannot know whether an absent id ever existed, and answers true
 * (documented); a throttled attempt was refused, so it changes nothing.
 */
function deleteByStrAnswer(before: number | undefined, faults: FaultInjector): boolean {
  return before !== undefined || faults.injected.some((fault) => fault.kind !== 'throttle');
}

type Expected = { ok: true } | { ok: false; error: new (...args: never[]) => Error };

/** save and delete work on a copy loaded just before (none: the step does nothing), so they succeed. */
function expectedOutcome(op: Op, before: number | undefined): Expected {
  const exists = before !== undefined;
  if (op === 'create') return exists ? { ok: false, error: EntityAlreadyExistsError } : { ok: true };
  if (op === 'increment' || op === 'update') return exists ? { ok: true } : { ok: false, error: EntityNotFoundError };
  return { ok: true };
}

function applyToModel(model: Map<string, number>, id: string, op: Op, amount: number): void {
  const before = model.get(id);
  if (op === 'create') model.set(id, amount);
  else if (op === 'increment' && before !== undefined) model.set(id, before + amount);
  else if ((op === 'update' || op === 'save') && before !== undefined) model.set(id, amount);
  else if (op === 'delete' || op === 'deleteByStr') model.delete(id);
}

async function run(users: Repository<User>, op: Op, id: string, amount: number, copy: User | undefined): Promise<unknown> {
  switch (op) {
    case 'create':
      return users.create({ username: id, email: 'fm@example.com', age: amount });
    case 'increment':
      return users.increment(id, 'age', amount);
    case 'update':
      return users.update(id, { age: amount });
    case 'save':
      if (!copy) return undefined;
      copy.age = amount;
      return users.save(copy);
    case 'delete':
      return copy ? users.delete(copy) : undefined;
    case 'deleteByStr':
      return users.deleteByStr(id);
  }
}
