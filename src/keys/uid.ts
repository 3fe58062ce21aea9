import { randomFillSync } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let lastMillis = -1;
let sequence = 0;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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

/** Length of every id newWriteId makes. Items written before hold longer ids (12, or 22 in 0.1.0): any string compares. */
export const WRITE_ID_LENGTH = 11;

/**
 * Random base64url text, every character 6 fresh random bits: 3,072 bytes make exactly 4,096
 * characters, 372 write ids. An id is a slice of it: no per-character work on the write path, and a
 * slice this short (under V8's 13 characters for sliced strings) is a copy that does not keep the
 * text alive.
 */
const writeIdBytes = Buffer.alloc(3072);
let writeIdText = '';
let writeIdOffset = 0;

/**
 * 66 random bits, base64url (11 characters, each uniform over the 64): the id of one write attempt
 * (see ATTR.writeId). Each item keeps its last 8 (WRITE_HISTORY), so every character is stored 8
 * times: 11 instead of 12 saves 8 bytes of item size. A clash of a fresh id with one of 8 stored ids
 * has odds of 1 in 9 * 10^18. Made on every write: about 50 ns, a third of 12 charAt appends.
 */
export function newWriteId(): string {
  if (writeIdOffset + WRITE_ID_LENGTH > writeIdText.length) {
    randomFillSync(writeIdBytes);
    writeIdText = writeIdBytes.toString('base64url');
    writeIdOffset = 0;
  }
  const id = writeIdText.slice(writeIdOffset, writeIdOffset + WRITE_ID_LENGTH);
  writeIdOffset += WRITE_ID_LENGTH;
  return id;
}
