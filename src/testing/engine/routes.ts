import type { EngineRoute } from './server';
import { SINGLE_WRITE_ROUTES } from './single-writes';
import { TTL_ROUTES } from './ttl';
import { INDEX_UPDATE_ROUTES } from './index-updates';
import { TRANSACTION_ROUTES } from './transactions';

/** Every operation the engine adds to dynalite or completes, by its name in `X-Amz-Target`. */
export const ENGINE_ROUTES: ReadonlyMap<string, EngineRoute> = new Map<string, EngineRoute>([
  ...SINGLE_WRITE_ROUTES,
  ...TTL_ROUTES,
  ...INDEX_UPDATE_ROUTES,
  ...TRANSACTION_ROUTES,
]);
