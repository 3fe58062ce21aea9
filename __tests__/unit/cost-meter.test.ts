import { CallMeter, currentMeter, meteredCall, meteredStep } from '../../src/client/cost';
import type { CallCost, CostReporting, RequestCost } from '../../src/client/cost';
import { withCapacity } from '../../src/client/executor';
import { measuredInput } from '../../src/manager/read-budget';

/** The meter of API calls, without a client: requests are added as the executor adds them. */

function recording() {
  const calls: CallCost[] = [];
  const reporting: CostReporting = { hooks: { call: (cost) => calls.push(cost) }, logger: undefined };
  return { calls, reporting };
}

const request = (readUnits: number, writeUnits = 0, estimated = false): RequestCost => ({
  operation: 'GetItem', entity: 'User', readUnits, writeUnits, estimated, retries: 1, durationMs: 1, failed: false,
});

/** What the executor does for each request: adds its cost to the meter of the call that sent it. */
const send = async (cost: RequestCost) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  currentMeter()?.add(cost);
};

describe('metered calls', () => {
  it('sum the requests sent under them and report once when they settle; a call inside a call joins it', async () => {
    const { calls, reporting } = recording();
    const result = await meteredCall(reporting, 'getByStr', 'User', async () => {
      await send(request(1));
      await meteredCall(reporting, 'inner', 'User', () => send(request(0.5, 2, true)));
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'getByStr', entity: 'User', requests: 2, readUnits: 1.5, writeUnits: 2, estimated: true, retries: 2, failed: false });
  });

  it('concurrent calls are metered apart', async () => {
    const { calls, reporting } = recording();
    await Promise.all([
      meteredCall(reporting, 'a', undefined, async () => {
        await send(request(1));
        await send(request(1));
      }),
      meteredCall(reporting, 'b', undefined, () => send(request(4))),
    ]);
    expect(calls.map((call) => [call.call, call.requests, call.readUnits]).sort()).toEqual([
      ['a', 2, 2],
      ['b', 1, 4],
    ]);
  });

  it('a call that throws at once rejects and is reported failed; joined, it rejects too', async () => {
    const { calls, reporting } = recording();
    const boom = () => {
      throw new Error('boom');
    };
    await expect(meteredCall(reporting, 'outer', undefined, boom)).rejects.toThrow('boom');
    expect(calls.map((call) => [call.call, call.failed])).toEqual([['outer', true]]);
    await meteredCall(reporting, 'outer', undefined, async () => {
      const joined = meteredCall(reporting, 'inner', undefined, boom);
      await expect(joined).rejects.toThrow('boom');
    });
    expect(calls.map((call) => call.call)).toEqual(['outer', 'outer']);
  });

  it('track async context only while a step runs: work left over after a call settled sees no meter', async () => {
    const { reporting } = recording();
    let leftover: Promise<unknown> = Promise.resolve();
    const seen: Array<CallMeter | undefined> = [];
    await meteredCall(reporting, 'call', undefined, async () => {
      seen.push(currentMeter());
      leftover = new Promise((resolve) => setTimeout(resolve, 5)).then(() => seen.push(currentMeter()));
    });
    await leftover;
    expect(seen[0]).toBeInstanceOf(CallMeter);
    expect(seen[1]).toBeUndefined();
  });

  it('steps of one call (a listing loop) report once, at the step that ends it or at the first failure', async () => {
    const { calls, reporting } = recording();
    const meter = new CallMeter(reporting, 'query', 'User');
    const isDone = (result: { done: boolean }) => result.done;
    await meteredStep(meter, async () => ({ done: false }), isDone);
    expect(calls).toHaveLength(0);
    await meteredStep(meter, async () => {
      await send(request(1));
      return { done: true };
    }, isDone);
    await meteredStep(meter, async () => ({ done: true })); // a return() after the end
    await expect(meteredStep(meter, () => Promise.reject(new Error('late')))).rejects.toThrow('late');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'query', requests: 1, failed: false });
  });
});

describe('ReturnConsumedCapacity: one rule', () => {
  const input = { TableName: 't' };

  it('asks for the more detailed of the request and the executor, copying only on a change', () => {
    expect(withCapacity(input, 'TOTAL')).toEqual({ TableName: 't', ReturnConsumedCapacity: 'TOTAL' });
    expect(withCapacity(input, 'NONE')).toBe(input);
    const total = withCapacity(input, 'TOTAL');
    expect(withCapacity(total, 'TOTAL')).toBe(total);
    expect(withCapacity(total, 'INDEXES')).toEqual({ TableName: 't', ReturnConsumedCapacity: 'INDEXES' });
    const indexes = { ...input, ReturnConsumedCapacity: 'INDEXES' };
    expect(withCapacity(indexes, 'TOTAL')).toBe(indexes);
    expect(input).toEqual({ TableName: 't' });
  });

  it('a bounded listing measures its pages by the same rule', () => {
    expect(measuredInput(input, true)).toEqual({ TableName: 't', ReturnConsumedCapacity: 'TOTAL' });
    expect(measuredInput(input, false)).toBe(input);
  });
});
