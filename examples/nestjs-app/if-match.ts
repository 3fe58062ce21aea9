import { BadRequestException } from '@nestjs/common';

/** The ETag of an entity: its version, as a strong entity tag. */
export function etagOf(entity: { version?: number }): string {
  return `"${entity.version ?? 0}"`;
}

/**
 * The `expectedVersion` an If-Match header asks for: `"3"` (or bare `3`) means "only if still at
 * version 3"; no header or `*` means "whatever the version". Weak tags (`W/"3"`) are refused, since
 * If-Match uses strong comparison (RFC 9110, 13.1.1).
 */
export function expectedVersionFrom(ifMatch: string | undefined): number | undefined {
  const value = ifMatch?.trim();
  if (value === undefined || value === '' || value === '*') return undefined;
  const match = /^"?(\d{1,15})"?$/.exec(value);
  if (!match) throw new BadRequestException(`If-Match must be an entity tag like "3" (the version), got ${value}`);
  return Number(match[1]);
}
