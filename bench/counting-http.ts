import type { HttpHandler } from '@smithy/core/protocols';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The SDK's own Node HTTP handler, counting requests per operation (for a real engine). */
export class CountingHttpHandler implements HttpHandler<object> {
  readonly sent: string[] = [];
  private readonly inner = new NodeHttpHandler();

  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const target = request.headers['x-amz-target'] ?? '';
    this.sent.push(target.slice(target.indexOf('.') + 1));
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
