/**
 * Where the library reports what it does. Pass `console` or a pino/winston logger; every method is
 * optional and nothing is logged without one. The library itself never writes to the console.
 */
export interface Logger {
  debug?(message: string, context?: Record<string, unknown>): void;
  warn?(message: string, context?: Record<string, unknown>): void;
}
