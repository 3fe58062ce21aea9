import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { MetadataStorage, ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import { isWellFormed } from '../keys/well-formed';

/**
 * The fast path of validation: runs every class-validator constraint of an object directly, from a
 * plan compiled once per class, and answers only "every constraint holds". class-validator's
 * `validate()` rebuilds that plan on each call (metadata look-up with an inheritance scan, grouping,
 * filtering, one ValidationError per property, promises), which costs several times the checks
 * themselves. When a check fails, or the class uses something this plan does not model, the caller
 * runs class-validator itself, which then produces the violations exactly as before. So the outcome
 * is class-validator's in every case; only the all-valid case, the common one, is cheaper.
 *
 * It mirrors ValidationExecutor for the options this library validates with (no groups, no skip or
 * whitelist options): conditions (@IsOptional, @ValidateIf) gate a property, each constraint's
 * `validate(value, args)` must return truthy (`each` applies it to array, Set and Map elements), and
 * @ValidateNested recurses into objects, arrays, Sets and Maps. Plans are compiled at a class's
 * first validation; like `hasValidators`, they assume decorators were all applied when the class was
 * defined. Classes with async constraints or @ValidatePromise always take the class-validator path.
 */

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

interface Check {
  readonly metadata: ValidationMetadata;
  readonly constraints: readonly ConstraintMetadata[];
}

interface PropertyPlan {
  readonly name: string;
  readonly conditions: ReadonlyArray<(object: object, value: unknown) => boolean>;
  readonly checks: readonly Check[];
  readonly nested: boolean;
}

/** null: the class needs class-validator itself. */
type ClassPlan = readonly PropertyPlan[] | null;

/** A class, as class-validator's metadata storage takes it. */
type Target = Parameters<MetadataStorage['getTargetValidationMetadatas']>[0];

const plans = new WeakMap<Target, ClassPlan>();

/**
 * True when every constraint of `object` (or only those of the `only` properties) holds. False means
 * "not shown valid": let class-validator decide and report.
 */
export function constraintsHold(object: object, only?: ReadonlySet<string>): boolean {
  const plan = planOf(object.constructor);
  if (plan === null) return false;
  const target = object as Record<string, unknown>;
  for (const property of plan) {
    if (only !== undefined && !only.has(property.name)) continue;
    if (!propertyHolds(target, target[property.name], property)) return false;
  }
  return true;
}

function planOf(target: unknown): ClassPlan {
  if (typeof target !== 'function') return null;
  let plan = plans.get(target as Target);
  if (plan === undefined) {
    plan = compile(target as Target);
    plans.set(target as Target, plan);
  }
  return plan;
}

const SUPPORTED = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
]);

function compile(target: Target): ClassPlan {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false);
  if (metadatas.some((metadata) => !SUPPORTED.has(metadata.type))) return null;
  const byProperty = storage.groupByPropertyName(metadatas);
  const properties: PropertyPlan[] = [];
  for (const name of Object.keys(byProperty)) {
    const own = byProperty[name] ?? [];
    // IS_DEFINED constraints run first, as in ValidationExecutor.performValidations.
    const ordered = [
      ...own.filter((m) => m.type === ValidationTypes.IS_DEFINED),
      ...own.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
    ];
    const checks = ordered.map((metadata) => ({ metadata, constraints: storage.getTargetValidatorConstraints(metadata.constraintCls) }));
    if (checks.some((check) => check.constraints.some((constraint) => constraint.async))) return null;
    properties.push({
      name,
      conditions: own.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.constraints[0]),
      checks,
      nested: own.some((m) => m.type === ValidationTypes.NESTED_VALIDATION),
    });
  }
  return properties;
}

function propertyHolds(object: object, value: unknown, property: PropertyPlan): boolean {
  let applies = true;
  // Every condition is evaluated, as class-validator does, before deciding.
  for (const condition of property.conditions) applies = condition(object, value) && applies;
  if (!applies) return true;
  for (const check of property.checks) {
    if (!checkHolds(object, value, check)) return false;
  }
  return !property.nested || nestedHolds(value);
}

function checkHolds(object: object, value: unknown, { metadata, constraints }: Check): boolean {
  if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
  const each = metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
  for (const constraint of constraints) {
    // The same arguments class-validator builds (a fresh object per constraint).
    const args = {
      targetName: object.constructor ? object.constructor.name : undefined,
      property: metadata.propertyName,
      object,
      value,
      constraints: metadata.constraints,
    } as ValidationArguments;
    const validator = constraint.instance;
    if (!each) {
      if (!validates(validator, value, args)) return false;
      continue;
    }
    for (const element of elementsOf(value)) {
      if (!validates(validator, element, args)) return false;
    }
  }
  return true;
}

/**
 * validator.js encodes text with `encodeURI`, which throws a URIError on a lone surrogate: such a value
 * is "not shown valid", and the report path names it (see classValidatorReport).
 */
function validates(validator: ValidatorConstraintInterface, value: unknown, args: ValidationArguments): boolean {
  try {
    return isTrue(validator.validate(value, args));
  } catch (error) {
    if (typeof value === 'string' && !isWellFormed(value)) return false;
    throw error;
  }
}

/** A promise (an async validator not declared async) is not a verdict: class-validator awaits it. */
function isTrue(result: unknown): boolean {
  return Boolean(result) && typeof (result as { then?: unknown }).then !== 'function';
}

function nestedHolds(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
    for (const element of elementsOf(value)) {
      if (!nestedHolds(element)) return false;
    }
    return true;
  }
  // Non-objects (null included) fail @ValidateNested; class-validator words the violation.
  return value instanceof Object && constraintsHold(value);
}

function elementsOf(value: unknown): Iterable<unknown> {
  return value instanceof Map ? value.values() : (value as Iterable<unknown>);
}
