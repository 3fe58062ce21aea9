import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../src';
import { localClientConfig } from '../src/testing';
import { electroInput, electroUsers, ELECTRO_TABLE } from './contenders/electrodb';
import { OURS_TABLE, User } from './contenders/ours';
import { RawSdk } from './contenders/raw';
import { userData } from './fixture';
import type { UserData } from './fixture';
import { median, rotate, round0, round2 } from './stats';

export interface EndToEndSettings {
  readonly rounds: number;
  readonly concurrencies: readonly number[];
  /** Each cell stops after this long... */
  readonly cellMs: number;
  /** ...or after this many create+get pairs, whichever comes first. */
  readonly maxPairs: number;
}

export interface EndToEndCell {
  readonly contender: string;
  readonly concurrency: number;
  readonly medianPairsPerSec: number;
  readonly medianRatio: number;
  readonly pairsPerSecByRound: number[];
}

interface Pairing {
  readonly name: string;
  /** Creates a new user, then reads it back by id. */
  readonly pair: (data: UserData) => Promise<unknown>;
  readonly rates: Map<number, number[]>;
}

export interface LocalEngine {
  readonly endpoint: string;
  stop(): void;
}

/** Forks dynalite into its own process and waits for its endpoint. */
export function startDynaliteProcess(): Promise<LocalEngine> {
  const child = fork(join(__dirname, 'dynalite-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite child exited with code ${code}`)));
    child.once('message', (message: { endpoint: string }) => {
      child.removeAllListeners('exit');
      resolve({ endpoint: message.endpoint, stop: () => child.disconnect() });
    });
  });
}

async function createElectroTable(client: DynamoDBClient): Promise<void> {
  const string = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  await client.send(
    new CreateTableCommand({
      TableName: ELECTRO_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [string('pk'), string('sk'), string('gsi1pk'), string('gsi1sk')],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

async function pairings(endpoint: string): Promise<Pairing[]> {
  const client = () => new DynamoDBClient(localClientConfig(endpoint, { maxAttempts: 3 }));
  const manager = new EntityManager({ client: client(), tableName: OURS_TABLE });
  await manager.ensureTableExists();
  const users = manager.getRepository(User);
  const raw = new RawSdk(client(), OURS_TABLE);
  const electroClient = client();
  await createElectroTable(electroClient);
  const electro = electroUsers(electroClient);
  const rates = () => new Map<number, number[]>();
  return [
    { name: 'raw SDK', pair: async (data) => raw.get((await raw.create(data)).username), rates: rates() },
    { name: 'dynamo-single-table', pair: async (data) => users.getByStr((await users.create(data)).username), rates: rates() },
    {
      name: 'ElectroDB',
      pair: async (data) => {
        await electro.create(electroInput(data)).go();
        return electro.get({ username: data.username }).go({ consistent: true });
      },
      rates: rates(),
    },
  ];
}

/** `concurrency` loops sharing one budget of pairs and one deadline; returns pairs per second. */
async function runCell(pairing: Pairing, concurrency: number, settings: EndToEndSettings, prefix: string): Promise<number> {
  let started = 0;
  let finished = 0;
  const begin = performance.now();
  const deadline = begin + settings.cellMs;
  const worker = async (): Promise<void> => {
    while (started < settings.maxPairs && performance.now() < deadline) {
      const n = started++;
      await pairing.pair({ ...userData(n), username: `${prefix}-${n}` });
      finished += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (finished * 1000) / (performance.now() - begin);
}

/** Interleaved rounds of create+get pairs against dynalite in another process, rotated per round. */
export async function runEndToEnd(endpoint: string, settings: EndToEndSettings, log: (line: string) => void): Promise<EndToEndCell[]> {
  const all = await pairings(endpoint);
  for (const pairing of all) await runCell(pairing, 8, { ...settings, cellMs: 300 }, `warm-${pairing.name}`);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const concurrency of settings.concurrencies) {
      for (const pairing of rotate(all, round)) {
        const rate = await runCell(pairing, concurrency, settings, `r${round}-c${concurrency}-${pairing.name}`);
        pairing.rates.set(concurrency, [...(pairing.rates.get(concurrency) ?? []), rate]);
      }
    }
    log(`  round ${round + 1}/${settings.rounds} done`);
  }
  const raw = all[0] as Pairing;
  return all.flatMap((pairing) =>
    settings.concurrencies.map((concurrency) => {
      const rates = pairing.rates.get(concurrency) ?? [];
      const reference = raw.rates.get(concurrency) ?? [];
      return {
        contender: pairing.name,
        concurrency,
        medianPairsPerSec: round0(median(rates)),
        medianRatio: round2(median(rates.map((rate, i) => rate / (reference[i] as number)))),
        pairsPerSecByRound: rates.map(round0),
      };
    }),
  );
}
