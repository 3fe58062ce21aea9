import { getRandomValues } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let lastMillis = -1;
let sequence = 0;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const random = new Uint8Array(10);

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
  getRandomValues(random);
  const bytes = new Uint8Array(16);
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = millis % 256;
    millis = Math.floor(millis / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((random[0] as number) & 0x3f);
  bytes.set(random.subarray(1, 8), 9);
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
