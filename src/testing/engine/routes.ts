import type { EngineRoute } from './server';
import { SINGLE_WRITE_ROUTES } from './single-writes';
import { TRANSACTION_ROUTES } from './transactions';

/** Every operation the engine adds to dynalite or completes, by its name in `X-Amz-Target`. */
export const ENGINE_ROUTES: ReadonlyMap<string, EngineRoute> = new Map<string, EngineRoute>([
  ...SINGLE_WRITE_ROUTES,
  ...TRANSACTION_ROUTES,
]);
