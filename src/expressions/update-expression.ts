import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { WRITE_HISTORY } from '../metadata/attributes';
import { ExpressionAttributes } from './expression-attributes';

/** One change of an UpdateItem: set a value, remove the attribute, or add to a number atomically. */
export type AttributeChange =
  | { kind: 'set'; attribute: string; value: AttributeValue }
  | { kind: 'remove'; attribute: string }
  | { kind: 'increment'; attribute: string; by: AttributeValue };

/** A history slot not filled yet: an empty string, which no write id is. */
const NO_WRITE: AttributeValue = { S: '' };

/**
 * The write history's placeholders have their own prefix (`#w0`..`#w7`, `:wid`, `:wnone`), so its
 * expression text is built once here, not per request.
 */
const HISTORY_NAMES: Readonly<Record<string, string>> = Object.fromEntries(WRITE_HISTORY.map((attribute, i) => [`#w${i}`, attribute]));
/** Oldest slot first, so the shift is right also on an engine that applies SET actions one by one. */
const SHIFT_HISTORY = [
  ...WRITE_HISTORY.slice(1).map((_, i) => `#w${WRITE_HISTORY.length - 1 - i} = if_not_exists(#w${WRITE_HISTORY.length - 2 - i}, :wnone)`),
  '#w0 = :wid',
].join(', ');
const NOT_RECORDED = `NOT (${WRITE_HISTORY.map((_, i) => `#w${i} = :wid`).join(' OR ')})`;

/**
 * `SET a = :v, n = if_not_exists(n, :zero) + :by REMOVE b`, with its placeholders. With `writeId`,
 * the write is recorded too: it becomes the newest id of WRITE_HISTORY and every older slot takes its
 * neighbour's value (the right-hand sides read the item as it was before this update).
 */
export function buildUpdateExpression(
  changes: readonly AttributeChange[],
  writeId?: string,
): { expression: string; attributes: ExpressionAttributes } {
  const attributes = new ExpressionAttributes('u');
  const sets: string[] = [];
  const removes: string[] = [];
  for (const change of changes) {
    const name = attributes.name(change.attribute);
    if (change.kind === 'set') sets.push(`${name} = ${attributes.value(change.value)}`);
    else if (change.kind === 'remove') removes.push(name);
    else sets.push(`${name} = if_not_exists(${name}, ${attributes.value({ N: '0' })}) + ${attributes.value(change.by)}`);
  }
  if (writeId !== undefined) recordWrite(attributes, sets, writeId);
  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''];
  return { expression: clauses.filter(Boolean).join(' '), attributes };
}

function recordWrite(attributes: ExpressionAttributes, sets: string[], writeId: string): void {
  attributes.fixed(HISTORY_NAMES, { ':wid': { S: writeId }, ':wnone': NO_WRITE });
  sets.push(SHIFT_HISTORY);
}

/** A condition on the stored item, ANDed together. */
export type Condition =
  | { kind: 'exists'; attribute: string }
  | { kind: 'notExists'; attribute: string }
  | { kind: 'equals'; attribute: string; value: AttributeValue }
  /** The attribute holds exactly this stored value (NULL compared by type), or is absent when undefined. */
  | { kind: 'sameAs'; attribute: string; stored: AttributeValue | undefined }
  /** "This write was not applied yet": no slot of WRITE_HISTORY holds the id. */
  | { kind: 'writeNotRecorded'; writeId: string };

export function buildConditionExpression(conditions: readonly Condition[]): { expression: string; attributes: ExpressionAttributes } {
  const attributes = new ExpressionAttributes('c');
  const parts = conditions.map((condition) => conditionText(attributes, condition));
  return { expression: parts.join(' AND '), attributes };
}

function conditionText(attributes: ExpressionAttributes, condition: Condition): string {
  switch (condition.kind) {
    case 'exists':
      return `attribute_exists(${attributes.name(condition.attribute)})`;
    case 'notExists':
      return `attribute_not_exists(${attributes.name(condition.attribute)})`;
    case 'equals':
      return `${attributes.name(condition.attribute)} = ${attributes.value(condition.value)}`;
    case 'sameAs':
      return sameAsText(attributes, condition.attribute, condition.stored);
    case 'writeNotRecorded':
      attributes.fixed(HISTORY_NAMES, { ':wid': { S: condition.writeId } });
      return NOT_RECORDED;
  }
}

/** NULL cannot be compared with `=`, so a stored NULL is matched by its type; any other value by equality. */
function sameAsText(attributes: ExpressionAttributes, attribute: string, stored: AttributeValue | undefined): string {
  const name = attributes.name(attribute);
  if (stored === undefined) return `attribute_not_exists(${name})`;
  if (stored.NULL) return `attribute_type(${name}, ${attributes.value({ S: 'NULL' })})`;
  return `${name} = ${attributes.value(stored)}`;
}
