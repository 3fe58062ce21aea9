import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A command a client sent, by name without `Command`, with its input. */
export interface SentCommand {
  command: string;
  input: Record<string, any>;
}

/** Records every command the client sends, once per call (before the SDK's retries). */
export function recordCommands(client: DynamoDBClient, name = 'recorder'): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    ((next: (args: { input: SentCommand['input'] }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: SentCommand['input'] }) => {
        sent.push({ command: String(context.commandName).replace(/Command$/, ''), input: args.input });
        return next(args);
      }) as never,
    { step: 'initialize', name },
  );
  return sent;
}

/**
 * What the promise `run` returns rejects with (undefined when it resolves). A method of ours that
 * throws synchronously is a defect of its own (`.catch()` would not see it): reported as such.
 */
export async function rejectionOf(run: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = run();
  } catch (error) {
    return { threwSynchronouslyInsteadOfRejecting: String(error) };
  }
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
