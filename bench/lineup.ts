import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { CannedHttpHandler, cannedClientConfig } from './canned-http';
import { dynamooseContender } from './contenders/dynamoose';
import { electroContender } from './contenders/electrodb';
import { OURS_WITH_COSTS, oursContender } from './contenders/ours';
import { rawContender } from './contenders/raw';
import { toolboxContender } from './contenders/toolbox';
import type { Contender } from './contenders/types';
import { captureSamples } from './scenarios';
import type { Samples } from './scenarios';

export interface Entrant {
  readonly contender: Contender;
  readonly samples: Samples;
}

/** Users captured per contender: 25 for the query page, 250 for the pages of the memory listing. */
export const SAMPLE_COUNT = 250;

/** The contenders in report order; the raw SDK first: it is the reference every ratio is taken against. */
export const CONTENDER_NAMES = ['raw SDK', 'dynamo-single-table', OURS_WITH_COSTS, 'ElectroDB', 'DynamoDB-Toolbox', 'Dynamoose'] as const;

const FACTORIES: Record<(typeof CONTENDER_NAMES)[number], (config: DynamoDBClientConfig) => Contender> = {
  'raw SDK': (config) => rawContender(new DynamoDBClient(config)),
  'dynamo-single-table': (config) => oursContender(new DynamoDBClient(config)),
  [OURS_WITH_COSTS]: (config) => oursContender(new DynamoDBClient(config), { costs: true }),
  ElectroDB: (config) => electroContender(new DynamoDBClient(config)),
  'DynamoDB-Toolbox': (config) => toolboxContender(new DynamoDBClient(config)),
  Dynamoose: (config) => dynamooseContender(config),
};

/**
 * The contenders (all, or those named), each with its own client, all sending through one canned
 * handler, and the items each one writes (its own layout), captured for the canned answers.
 */
export async function lineUp(names: readonly string[] = CONTENDER_NAMES): Promise<{ handler: CannedHttpHandler; entrants: Entrant[] }> {
  const handler = new CannedHttpHandler();
  const config = cannedClientConfig(handler);
  const entrants: Entrant[] = [];
  for (const name of CONTENDER_NAMES.filter((candidate) => names.includes(candidate))) {
    const contender = FACTORIES[name](config);
    entrants.push({ contender, samples: await captureSamples(handler, contender, SAMPLE_COUNT) });
  }
  return { handler, entrants };
}
