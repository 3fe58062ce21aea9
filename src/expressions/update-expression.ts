import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { WRITE_HISTORY } from '../metadata/attributes';
import type { ExpressionAttributes } from './expression-attributes';

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

/** The placeholders of one expression: names and values, as mergeAttributes takes them. */
export type ExpressionPlaceholders = Pick<ExpressionAttributes, 'names' | 'values'>;

/**
 * The placeholders of one expression being built: names de-duplicated by attribute (the same
 * attribute always maps to the same placeholder), values numbered in order. A lighter stand-in for
 * ExpressionAttributes on the per-update path, with the same placeholder text (`#u0`, `:u0`...),
 * and each placeholder string made once per process.
 */
class Placeholders implements ExpressionPlaceholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly attributes: string[] = [];
  private valueCount = 0;

  constructor(
    private readonly namesText: string[],
    private readonly valuesText: string[],
    private readonly prefix: string,
  ) {}

  name(attribute: string): string {
    let index = this.attributes.indexOf(attribute);
    if (index < 0) {
      index = this.attributes.push(attribute) - 1;
      this.names[placeholder(this.namesText, `#${this.prefix}`, index)] = attribute;
    }
    return placeholder(this.namesText, `#${this.prefix}`, index);
  }

  value(value: AttributeValue): string {
    const text = placeholder(this.valuesText, `:${this.prefix}`, this.valueCount);
    this.valueCount += 1;
    this.values[text] = value;
    return text;
  }
}

const placeholder = (texts: string[], prefix: string, index: number): string => (texts[index] ??= `${prefix}${index}`);
const UPDATE_NAMES: string[] = [];
const UPDATE_VALUES: string[] = [];
const CONDITION_NAMES: string[] = [];
const CONDITION_VALUES: string[] = [];
const ZERO: AttributeValue = { N: '0' };

/**
 * `SET a = :v, n = if_not_exists(n, :zero) + :by REMOVE b`, with its placeholders. With `writeId`,
 * the write is recorded too: it becomes the newest id of WRITE_HISTORY and every older slot takes its
 * neighbour's value (the right-hand sides read the item as it was before this update).
 */
export function buildUpdateExpression(
  changes: readonly AttributeChange[],
  writeId?: string,
): { expression: string; attributes: ExpressionPlaceholders } {
  const attributes = new Placeholders(UPDATE_NAMES, UPDATE_VALUES, 'u');
  let sets = '';
  let removes = '';
  for (const change of changes) {
    const name = attributes.name(change.attribute);
    if (change.kind === 'remove') removes = removes === '' ? name : `${removes}, ${name}`;
    else {
      const action = change.kind === 'set'
        ? `${name} = ${attributes.value(change.value)}`
        : `${name} = if_not_exists(${name}, ${attributes.value(ZERO)}) + ${attributes.value(change.by)}`;
      sets = sets === '' ? action : `${sets}, ${action}`;
    }
  }
  if (writeId !== undefined) {
    Object.assign(attributes.names, HISTORY_NAMES);
    attributes.values[':wid'] = { S: writeId };
    attributes.values[':wnone'] = NO_WRITE;
    sets = sets === '' ? SHIFT_HISTORY : `${sets}, ${SHIFT_HISTORY}`;
  }
  const set = sets === '' ? '' : `SET ${sets}`;
  const remove = removes === '' ? '' : `REMOVE ${removes}`;
  return { expression: set !== '' && remove !== '' ? `${set} ${remove}` : set + remove, attributes };
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

export function buildConditionExpression(conditions: readonly Condition[]): { expression: string; attributes: ExpressionPlaceholders } {
  const attributes = new Placeholders(CONDITION_NAMES, CONDITION_VALUES, 'c');
  let expression = '';
  for (const condition of conditions) {
    const text = conditionText(attributes, condition);
    expression = expression === '' ? text : `${expression} AND ${text}`;
  }
  return { expression, attributes };
}

function conditionText(attributes: Placeholders, condition: Condition): string {
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
      Object.assign(attributes.names, HISTORY_NAMES);
      attributes.values[':wid'] = { S: condition.writeId };
      return NOT_RECORDED;
  }
}

/** NULL cannot be compared with `=`, so a stored NULL is matched by its type; any other value by equality. */
function sameAsText(attributes: Placeholders, attribute: string, stored: AttributeValue | undefined): string {
  const name = attributes.name(attribute);
  if (stored === undefined) return `attribute_not_exists(${name})`;
  if (stored.NULL) return `attribute_type(${name}, ${attributes.value({ S: 'NULL' })})`;
  return `${name} = ${attributes.value(stored)}`;
}
