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

function numberSize(text: string): number {
  const mantissa = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '');
  const significant = mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(significant / 2) + 1;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
