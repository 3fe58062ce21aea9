import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A client that records the operations it sends and, just before the first `times` commands a rule
 * matches are sent, awaits the rule's `before` (e.g. another client's write): a race between a read
 * and the write computed from it, made deterministic.
 *
 *   const { client, sent } = racingClient(engine().client, { operation: 'UpdateItem', before: () => other.update(...) });
 */
export interface RaceRule {
  /** Operation name without `Command`, e.g. `UpdateItem`. */
  operation: string;
  before: () => Promise<unknown>;
  /** @default 1 */
  times?: number;
}

export function racingClient(inner: DynamoDBClient, ...rules: RaceRule[]): { client: DynamoDBClient; sent: string[] } {
  const sent: string[] = [];
  const raced = rules.map(() => 0);
  const client = {
    send: async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      const operation = command.constructor.name.replace(/Command$/, '');
      for (const [i, rule] of rules.entries()) {
        if (rule.operation !== operation || (raced[i] as number) >= (rule.times ?? 1)) continue;
        raced[i] = (raced[i] as number) + 1;
        await rule.before();
      }
      sent.push(operation);
      return (inner.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    },
  };
  return { client: client as unknown as DynamoDBClient, sent };
}
