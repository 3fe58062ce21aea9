import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ExpressionAttributes } from './expression-attributes';

/** One change of an UpdateItem: set a value, remove the attribute, or add to a number atomically. */
export type AttributeChange =
  | { kind: 'set'; attribute: string; value: AttributeValue }
  | { kind: 'remove'; attribute: string }
  | { kind: 'increment'; attribute: string; by: AttributeValue };

/** `SET a = :v, n = if_not_exists(n, :zero) + :by REMOVE b`, with its placeholders. */
export function buildUpdateExpression(changes: readonly AttributeChange[]): { expression: string; attributes: ExpressionAttributes } {
  const attributes = new ExpressionAttributes('u');
  const sets: string[] = [];
  const removes: string[] = [];
  for (const change of changes) {
    const name = attributes.name(change.attribute);
    if (change.kind === 'set') sets.push(`${name} = ${attributes.value(change.value)}`);
    else if (change.kind === 'remove') removes.push(name);
    else sets.push(`${name} = if_not_exists(${name}, ${attributes.value({ N: '0' })}) + ${attributes.value(change.by)}`);
  }
  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''];
  return { expression: clauses.filter(Boolean).join(' '), attributes };
}

/** A condition on the stored item, ANDed together. */
export type Condition =
  | { kind: 'exists'; attribute: string }
  | { kind: 'notExists'; attribute: string }
  | { kind: 'equals'; attribute: string; value: AttributeValue }
  /** True when the attribute is absent or differs: "this write id was not applied yet". */
  | { kind: 'absentOrNot'; attribute: string; value: AttributeValue };

export function buildConditionExpression(conditions: readonly Condition[]): { expression: string; attributes: ExpressionAttributes } {
  const attributes = new ExpressionAttributes('c');
  const parts = conditions.map((condition) => {
    const name = attributes.name(condition.attribute);
    switch (condition.kind) {
      case 'exists':
        return `attribute_exists(${name})`;
      case 'notExists':
        return `attribute_not_exists(${name})`;
      case 'equals':
        return `${name} = ${attributes.value(condition.value)}`;
      case 'absentOrNot':
        return `(attribute_not_exists(${name}) OR ${name} <> ${attributes.value(condition.value)})`;
    }
  });
  return { expression: parts.join(' AND '), attributes };
}
