import { EntityAlreadyExistsError, EntityNotFoundError, UniqueConstraintError, VersionConflictError } from '../../src';
import type { Repository } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { FAULT_MODEL, FreshFaultyManager, random, randomFault } from '../support/fault-model';
import { useEntityManager } from '../support/tables';
import { uniqueInvariantProblems } from '../support/unique-invariant';
import { Account } from '../fixtures/entities';

/**
 * The model check of fault-model.test.ts for an entity with a `@Unique` field, whose writes are
 * transactions with guard items: random creates, saves and updates that move the email (often onto a
 * value another account holds), counters, deletes, deleteByStr and claimUniques, each possibly hit
 * by a throttle, a 500 or a lost answer with another client's increment before the retry. After every
 * step: the answer and the stored accounts match the model, and every guard matches its holder.
 */
const STEPS = FAULT_MODEL.steps(100);
const OTHER_WRITE = 1000;

interface Stored {
  email: string;
  balance: number;
}
type Model = Map<string, Stored>;
type Op = 'create' | 'save' | 'update' | 'increment' | 'delete' | 'deleteByStr' | 'claimUniques';
const OPS: Op[] = ['create', 'save', 'update', 'increment', 'delete', 'deleteByStr', 'claimUniques'];
type Outcome = { ok: true } | { ok: false; error: new (...args: never[]) => Error };
const OK: Outcome = { ok: true };

describeEachEngine('fault model: @Unique entities under lost answers and a concurrent writer', (engine) => {
  const em = useEntityManager(engine);
  const faulty = new FreshFaultyManager(engine, () => em().tableName);
  afterAll(() => faulty.destroy());

  testWhen((c) => c.transactions, 'needs TransactWriteItems', `${STEPS} random steps keep accounts and guards equal to the model`, async () => {
    const other = em().getRepository(Account);
    const next = random(FAULT_MODEL.seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const model: Model = new Map();
    const figures = { steps: 0, faults: 0, otherWrites: 0, divergences: [] as string[] };

    for (let step = 0; step < STEPS; step += 1) {
      const [handle, op, email] = [pick(['fu-a', 'fu-b', 'fu-c']), pick(OPS), pick(['e1@x.io', 'e2@x.io', 'e3@x.io', 'e4@x.io'])];
      const copy = op === 'save' || op === 'delete' ? await other.findByStr(handle) : undefined;
      const expected = expectedOutcome(model, op, handle, email);
      if (expected.ok) applyToModel(model, op, handle, email);
      const fault = randomFault(next, async () => {
        figures.otherWrites += 1;
        const after = model.get(handle);
        if (after) await other.increment(handle, 'balance', OTHER_WRITE).then(() => (after.balance += OTHER_WRITE));
      });
      const { em: faultyEm, faults } = faulty.next();
      if (fault) faults.inject({ operation: op === 'increment' ? 'UpdateItem' : 'TransactWriteItems', fault, times: 1 });
      const answer = await run(faultyEm.getRepository(Account), op, handle, email, copy).then(() => OK, (error: unknown) => error);
      figures.steps += 1;
      figures.faults += faults.injected.length;
      const label = `step ${step} ${op}(${handle}, ${email}) fault ${fault?.kind ?? 'none'}${fault && 'meanwhile' in fault ? '+write' : ''}`;
      if (!answered(expected, answer, op === 'save' && fault !== undefined && 'meanwhile' in fault)) {
        figures.divergences.push(`${label}: answered ${String(answer)}`);
      }
      figures.divergences.push(...(await differences(other, model)).map((d) => `${label}: ${d}`));
    }
    FAULT_MODEL.report(`unique [${engine().name}]`, { ...figures, divergences: figures.divergences.length });
    expect(figures.divergences).toEqual([]);
  }, Math.max(120_000, STEPS * 500));

  /** What is stored that the model does not say, accounts and guards alike. */
  async function differences(accounts: Repository<Account>, model: Model): Promise<string[]> {
    const found = new Map((await accounts.getMany(['fu-a', 'fu-b', 'fu-c'])).filter((a) => a).map((a) => [a!.handle, a!]));
    const problems = await uniqueInvariantProblems(em(), 'account', ['email', 'badge']);
    for (const handle of new Set([...found.keys(), ...model.keys()])) {
      const [stored, wanted] = [found.get(handle), model.get(handle)];
      if (stored?.email !== wanted?.email || (stored?.balance ?? 0) !== (wanted?.balance ?? 0)) {
        problems.push(`${handle} stored ${JSON.stringify(stored && [stored.email, stored.balance])} but model ${JSON.stringify(wanted)}`);
      }
    }
    return problems;
  }
});

/**
 * A save whose first attempt was refused (its value taken) and whose retry came after another
 * client's write fails on both conditions then; like any stale save it reports the version first.
 */
function answered(expected: Outcome, answer: unknown, staleOnRetry: boolean): boolean {
  if (expected.ok) return answer === OK;
  return answer instanceof expected.error || (staleOnRetry && answer instanceof VersionConflictError);
}

function heldByAnother(model: Model, handle: string, email: string): boolean {
  return [...model].some(([other, stored]) => other !== handle && stored.email === email);
}

/** save and delete work on a copy loaded just before: without one, the step does nothing. */
function expectedOutcome(model: Model, op: Op, handle: string, email: string): Outcome {
  const exists = model.has(handle);
  switch (op) {
    case 'create':
      if (exists) return { ok: false, error: EntityAlreadyExistsError };
      return heldByAnother(model, handle, email) ? { ok: false, error: UniqueConstraintError } : OK;
    case 'save':
      return exists && heldByAnother(model, handle, email) ? { ok: false, error: UniqueConstraintError } : OK;
    case 'update':
      if (!exists) return { ok: false, error: EntityNotFoundError };
      return heldByAnother(model, handle, email) ? { ok: false, error: UniqueConstraintError } : OK;
    case 'increment':
    case 'claimUniques':
      return exists ? OK : { ok: false, error: EntityNotFoundError };
    case 'delete':
    case 'deleteByStr':
      return OK;
  }
}

function applyToModel(model: Model, op: Op, handle: string, email: string): void {
  const stored = model.get(handle);
  if (op === 'create') model.set(handle, { email, balance: 0 });
  else if ((op === 'save' || op === 'update') && stored) stored.email = email;
  else if (op === 'increment' && stored) stored.balance += 1;
  else if (op === 'delete' || op === 'deleteByStr') model.delete(handle);
}

async function run(accounts: Repository<Account>, op: Op, handle: string, email: string, copy: Account | undefined): Promise<unknown> {
  switch (op) {
    case 'create':
      return accounts.create({ handle, email, balance: 0 });
    case 'save':
      return copy && accounts.save(Object.assign(copy, { email }));
    case 'update':
      return accounts.update(handle, { email });
    case 'increment':
      return accounts.increment(handle, 'balance', 1);
    case 'delete':
      return copy && accounts.delete(copy);
    case 'deleteByStr':
      return accounts.deleteByStr(handle);
    case 'claimUniques':
      return accounts.claimUniques(handle);
  }
}
