import type { HttpHandler } from '@smithy/core/protocols';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describeRequest } from './canned-http';

/** The SDK's own Node HTTP handler, recording each request (`describeRequest`) for a real engine. */
export class CountingHttpHandler implements HttpHandler<object> {
  readonly sent: string[] = [];
  private readonly inner = new NodeHttpHandler();

  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const target = request.headers['x-amz-target'] ?? '';
    this.sent.push(describeRequest(target.slice(target.indexOf('.') + 1), request));
    return this.inner.handle(request as never, options as never) as Promise<{ response: HttpResponse }>;
  }

  async record(action: () => Promise<unknown>): Promise<string[]> {
    this.sent.length = 0;
    await action();
    return [...this.sent];
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): object {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
