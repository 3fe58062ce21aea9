import { randomFillSync } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let lastMillis = -1;
let sequence = 0;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Random bytes come from the CSPRNG 4 KiB at a time (as Node's own randomUUID does): one call into
 * the crypto binding per few hundred ids instead of one per id, which cost more than the rest of a
 * uid. Ids are made synchronously, so the pool is never shared between two callers.
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

/** Offset of `count` fresh random bytes in `pool`. */
function takeRandom(count: number): number {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += count;
  return offset;
}

/** Reused: formatted right away, never handed out. */
const uuidBytes = new Uint8Array(16);

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit sequence (method 1 of section 6.2) so
 * that uids made by one process are strictly increasing, then 62 random bits. Sorting uids sorts by
 * creation time, which is why the type index lists entities in creation order.
 */
export function newUid(now: number = Date.now()): string {
  let millis = now;
  if (millis <= lastMillis) {
    sequence += 1;
    millis = lastMillis;
    if (sequence > 0xfff) {
      millis += 1; // sequence exhausted within this millisecond: borrow the next one
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMillis = millis;
  const bytes = uuidBytes;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = millis % 256;
    millis = Math.floor(millis / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  const random = takeRandom(8);
  bytes[8] = 0x80 | ((pool[random] as number) & 0x3f);
  for (let i = 1; i < 8; i += 1) bytes[8 + i] = pool[random + i] as number;
  return formatUuid(bytes);
}

function formatUuid(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] as number];
  }
  return out;
}

/** Lower-case canonical UUID text (any version), as stored. */
export function isUid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * 72 random bits, base64url (12 characters): the id of one write attempt (see ATTR.writeId). Each
 * item keeps its last 8 (WRITE_HISTORY), so the id is short; a clash of a fresh id with one of 8
 * stored ids has odds of about 1 in 6 * 10^20.
 */
export function newWriteId(): string {
  const start = takeRandom(9);
  let out = '';
  for (let i = start; i < start + 9; i += 3) {
    const bits = ((pool[i] as number) << 16) | ((pool[i + 1] as number) << 8) | (pool[i + 2] as number);
    out += BASE64URL.charAt(bits >> 18) + BASE64URL.charAt((bits >> 12) & 63) + BASE64URL.charAt((bits >> 6) & 63) + BASE64URL.charAt(bits & 63);
  }
  return out;
}
