import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The size DynamoDB charges and limits an item by: attribute names plus values, with its published
 * rules (UTF-8 bytes for strings, ~1 byte per 2 significant digits + 1 for numbers, 3 bytes plus 1 per
 * element for lists and maps, 1 byte for booleans and nulls).
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const name of Object.keys(item)) size += utf8Length(name) + attributeSize(item[name] as AttributeValue);
  return size;
}

function attributeSize(attribute: AttributeValue): number {
  if (attribute.S !== undefined) return utf8Length(attribute.S);
  if (attribute.N !== undefined) return numberSize(attribute.N);
  if (attribute.BOOL !== undefined || attribute.NULL !== undefined) return 1;
  if (attribute.B !== undefined) return attribute.B.byteLength;
  if (attribute.L !== undefined) {
    let size = 3;
    for (const element of attribute.L) size += 1 + attributeSize(element);
    return size;
  }
  if (attribute.M !== undefined) {
    let size = 3;
    for (const key of Object.keys(attribute.M)) size += 1 + utf8Length(key) + attributeSize(attribute.M[key] as AttributeValue);
    return size;
  }
  if (attribute.SS !== undefined) return attribute.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if (attribute.NS !== undefined) return attribute.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (attribute.BS !== undefined) return attribute.BS.reduce((sum, b) => sum + b.byteLength, 0);
  return 0;
}

/**
 * Significant digits of the mantissa (sign, exponent and point dropped, then leading and trailing
 * zeros), counted in one pass: every write sizes its numbers, and four regex replaces cost more.
 */
function numberSize(text: string): number {
  const first = text.charCodeAt(0);
  let pointSeen = false;
  let counted = 0;
  let significant = 0;
  for (let i = first === 45 || first === 43 ? 1 : 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 101 || code === 69) break; // e, E: the exponent
    if (code === 46 && !pointSeen) {
      pointSeen = true;
      continue;
    }
    if (counted === 0 && code === 48) continue; // leading zero
    counted += 1;
    if (code !== 48) significant = counted; // trailing zeros are not counted
  }
  return Math.ceil(significant / 2) + 1;
}

/** Short ASCII text (most names and values) is measured without leaving JavaScript. */
function utf8Length(text: string): number {
  if (text.length > 64) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, 'utf8');
  }
  return text.length;
}
