/**
 * What the SDK's attempts of one request said, counted where each attempt gets its raw answer (inside
 * the retry loop): an HTTP 4xx answer means DynamoDB refused the request, so it was not applied; a
 * 5xx answer or a connection that failed before an answer leaves it unknown whether it was applied.
 */
export interface AttemptLog {
  /** Attempts whose outcome is unknown: a 5xx answer or no answer at all. */
  uncertain: number;
}

interface RawAnswer {
  response?: { statusCode?: number };
}

type Next = (args: unknown) => Promise<RawAnswer>;

/** A middleware for one command's stack that fills `log`; placed after the deserializer, so it sees raw answers. */
export function attemptLogMiddleware(log: AttemptLog) {
  return (next: Next) => async (args: unknown): Promise<RawAnswer> => {
    try {
      const answer = await next(args);
      if ((answer.response?.statusCode ?? 200) >= 500) log.uncertain += 1;
      return answer;
    } catch (error) {
      log.uncertain += 1; // no answer: the request may have reached DynamoDB
      throw error;
    }
  };
}

export const ATTEMPT_LOG_OPTIONS = { step: 'deserialize', priority: 'low', name: 'dynamoSingleTableAttemptLog' } as const;
