import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { bigintFromText } from '../keys/number-text';
import type { AttributeChange } from '../expressions';
import type { PropertyViolation } from '../errors';
import type { EntityMetadata } from '../metadata/types';
import type { CompiledShape } from './codec';
import { bigintAttribute, numberAttribute } from './scalars';
import { constraintsHold } from './constraint-check';
import { classValidatorReport } from './validation';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';

/** A patch's attribute changes, or why it cannot be applied (then no changes). */
export interface PatchChanges {
  changes: AttributeChange[];
  violations: PropertyViolation[];
}

/**
 * A partial update as attribute changes. Only the patched fields are converted and validated:
 * `undefined` removes the attribute, `null` stores NULL. The str id (the key) and the managed
 * `uid`/`version` cannot be patched. Settles at once, without a promise, unless class-validator has
 * to run (a constraint of a patched field not shown to hold): `await` it either way.
 */
export function patchToChanges(
  meta: EntityMetadata,
  plan: CompiledShape,
  patch: Record<string, unknown>,
): PatchChanges | Promise<PatchChanges> {
  const sink: ViolationSink = [];
  const probe = Object.create(meta.target.prototype) as Record<string, unknown>;
  const fields = Object.keys(patch);
  for (const property of fields) {
    const field = plan.byProperty.get(property);
    const value = patch[property];
    if (!field) addViolation(sink, property, 'unknownProperty', `${property} is not a field of ${meta.className}`);
    else if (property === meta.strIdProperty) {
      addViolation(sink, property, 'immutable', `${property} is the str id (the primary key); use rename() to change it`);
    } else probe[property] = value === null || value === undefined ? value : field.codec.fromInput(value, property, sink, 1);
  }
  if (sink.length > 0) return { changes: [], violations: sink };
  if (meta.hasValidators) {
    const patched = new Set(fields);
    // The fast path of validation holding for the patched fields: no class-validator run, no promise.
    let hold: boolean;
    try {
      hold = constraintsHold(probe, patched);
    } catch (error) {
      return Promise.reject(error); // a throwing validator rejects, as class-validator's would
    }
    if (!hold) return validatedChanges(plan, probe, fields, patched);
  }
  return { changes: encodeChanges(plan, probe, fields, sink), violations: sink };
}

/** class-validator checks the whole object; keep what it says about the patched fields only. */
async function validatedChanges(plan: CompiledShape, probe: Record<string, unknown>, fields: string[], patched: ReadonlySet<string>): Promise<PatchChanges> {
  const sink: ViolationSink = [];
  for (const violation of await classValidatorReport(probe)) {
    if (patched.has(violation.property.split('.')[0] as string)) sink.push(violation);
  }
  return { changes: encodeChanges(plan, probe, fields, sink), violations: sink };
}

function encodeChanges(plan: CompiledShape, probe: Record<string, unknown>, fields: string[], sink: ViolationSink): AttributeChange[] {
  const changes: AttributeChange[] = [];
  // A field class-validator already named (e.g. a lone surrogate, see classValidatorReport) is not reported twice.
  const reported = sink.length === 0 ? undefined : new Set(sink.map((violation) => violation.property));
  for (const property of fields) {
    if (reported?.has(property)) continue;
    const value = probe[property];
    if (value === undefined) changes.push({ kind: 'remove', attribute: property });
    else if (value === null) changes.push({ kind: 'set', attribute: property, value: { NULL: true } });
    else {
      const attribute = plan.byProperty.get(property)?.codec.encode(value, property, sink, 1);
      if (attribute) changes.push({ kind: 'set', attribute: property, value: attribute });
    }
  }
  return changes;
}

/**
 * The value an increment stores when computed here rather than by the engine (an index key field:
 * its new key needs the new value): the stored value (absent or NULL counts as 0) plus `by`, exact
 * for bigint fields. A result DynamoDB cannot store is reported to `sink`.
 */
export function incrementedAttribute(
  kind: 'number' | 'bigint',
  stored: AttributeValue | undefined,
  by: AttributeValue,
  field: string,
  sink: ViolationSink,
): AttributeValue | undefined {
  const current = stored?.N ?? '0';
  if (kind === 'bigint') return bigintAttribute(bigintFromText(current) + bigintFromText(by.N ?? '0'), field, sink);
  return numberAttribute(Number(current) + Number(by.N ?? '0'), field, sink);
}
