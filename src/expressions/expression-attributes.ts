import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Placeholders of one request. Each expression kind gets its own prefix (`#c0`/`:c0` for conditions,
 * `#u0`/`:u0` for updates), so a condition and an update built separately never reuse a name.
 * Names are de-duplicated: the same attribute always maps to the same placeholder.
 */
export class ExpressionAttributes {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly nameByAttribute = new Map<string, string>();
  private valueCount = 0;

  constructor(private readonly prefix: string) {}

  name(attribute: string): string {
    let placeholder = this.nameByAttribute.get(attribute);
    if (!placeholder) {
      placeholder = `#${this.prefix}${this.nameByAttribute.size}`;
      this.nameByAttribute.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  /** Placeholders whose text is fixed (their own prefix, so they never clash with counted ones). */
  fixed(names: Readonly<Record<string, string>>, values: Readonly<Record<string, AttributeValue>>): void {
    Object.assign(this.names, names);
    Object.assign(this.values, values);
  }

  value(value: AttributeValue): string {
    const placeholder = `:${this.prefix}${this.valueCount}`;
    this.valueCount += 1;
    this.values[placeholder] = value;
    return placeholder;
  }
}

/**
 * Merges the placeholders of several expressions of one request (their prefixes differ). Built with
 * plain loops: it runs for every update and query, where spreads of spreads showed in profiles.
 */
export function mergeAttributes(...parts: ReadonlyArray<Pick<ExpressionAttributes, 'names' | 'values'>>): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  let names: Record<string, string> | undefined;
  let values: Record<string, AttributeValue> | undefined;
  for (const part of parts) {
    for (const placeholder in part.names) (names ??= {})[placeholder] = part.names[placeholder] as string;
    for (const placeholder in part.values) (values ??= {})[placeholder] = part.values[placeholder] as AttributeValue;
  }
  const merged: { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } = {};
  if (names) merged.ExpressionAttributeNames = names;
  if (values) merged.ExpressionAttributeValues = values;
  return merged;
}
