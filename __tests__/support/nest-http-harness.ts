/**
 * A fake HTTP adapter and ArgumentsHost: enough of Nest's contract to drive an exception filter in a
 * unit test, recording what it replies and which headers it sets.
 */
import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import { DynamoSingleTableExceptionFilter } from '../../src/nestjs';

export function httpHarness(type = 'http', headersSent = false, Filter: typeof DynamoSingleTableExceptionFilter = DynamoSingleTableExceptionFilter) {
  const replies: Array<{ body: unknown; status: number | undefined }> = [];
  const headers: Array<[string, string]> = [];
  const adapter = {
    reply: jest.fn((_response: unknown, body: unknown, status?: number) => replies.push({ body, status })),
    isHeadersSent: jest.fn(() => headersSent),
    end: jest.fn(),
    setHeader: jest.fn((_response: unknown, name: string, value: string) => headers.push([name, value])),
  };
  const response = { fake: 'response' };
  const host = {
    getType: () => type,
    getArgByIndex: (index: number) => (index === 1 ? response : undefined),
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}) }),
  } as unknown as ArgumentsHost;
  const filter = new Filter(adapter as unknown as HttpServer);
  return { filter, host, adapter, replies, response, headers };
}
