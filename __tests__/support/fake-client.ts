import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface SentCommand {
  /** e.g. `PutItem` */
  operation: string;
  input: Record<string, unknown>;
}

export type Responder = (command: SentCommand) => unknown;

/**
 * A DynamoDBClient stand-in that records every command and answers with `respond` (return a value,
 * or throw to simulate an AWS error). For tests of request shape and request counts, not behaviour.
 */
export function fakeClient(respond: Responder = () => ({})): { client: DynamoDBClient; sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const record = { operation: command.constructor.name.replace(/Command$/, ''), input: command.input };
      sent.push(record);
      return respond(record);
    },
  };
  return { client: client as unknown as DynamoDBClient, sent };
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} (simulated)`), { name, $metadata: { httpStatusCode: 400, requestId: 'req-1' }, ...extra });
}
