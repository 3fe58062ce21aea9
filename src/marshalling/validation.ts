import { validate } from 'class-validator';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { PropertyViolation } from '../errors';
import { MAX_CONTAINER_LEVEL } from './any-value';
import { constraintsHold } from './constraint-check';
import { childPath } from './violations';
import { isWellFormed, loneSurrogateMessage } from '../keys/well-formed';

/**
 * `forbidUnknownValues: false`: class-validator >= 0.14 otherwise rejects every object of a class that
 * has no validation decorator at all ("an unknown value was passed to the validate function").
 * Targets and values are kept out of the errors so that no entity data leaks into logs through them.
 */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

/**
 * class-validator's violations of `entity`. When every constraint holds (checked by the compiled fast
 * path) there are none and class-validator is not run; otherwise it runs and reports. With `only`,
 * the fast path looks at those properties alone, and the result may include violations of others.
 */
export async function classValidatorViolations(entity: object, only?: ReadonlySet<string>): Promise<PropertyViolation[]> {
  if (constraintsHold(entity, only)) return [];
  return classValidatorReport(entity);
}

/** class-validator's own run, for callers that already know the fast path did not pass. */
export async function classValidatorReport(entity: object): Promise<PropertyViolation[]> {
  let errors: ValidationError[];
  try {
    errors = await validate(entity, VALIDATOR_OPTIONS);
  } catch (error) {
    // validator.js throws a URIError on lone surrogates (it encodes text with encodeURI): name them.
    const unicode: PropertyViolation[] = [];
    loneSurrogates(entity, '', unicode, 0);
    if (unicode.length === 0) throw error;
    return unicode;
  }
  const violations: PropertyViolation[] = [];
  flatten(errors, '', violations);
  return violations;
}

function flatten(errors: ValidationError[], prefix: string, into: PropertyViolation[]): void {
  for (const error of errors) {
    const property = prefix === '' ? error.property : `${prefix}.${error.property}`;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      into.push({ property, constraints: { ...error.constraints } });
    }
    if (error.children?.length) flatten(error.children, property, into);
  }
}

/** Strings with a lone surrogate in the entity's own data, by path (bounded like the item's nesting, so cycles end). */
function loneSurrogates(value: unknown, path: string, into: PropertyViolation[], level: number): void {
  if (typeof value === 'string') {
    if (!isWellFormed(value)) into.push({ property: path, constraints: { unicode: loneSurrogateMessage(path) } });
    return;
  }
  if (typeof value !== 'object' || value === null || level > MAX_CONTAINER_LEVEL) return;
  for (const key of Object.keys(value)) loneSurrogates((value as Record<string, unknown>)[key], childPath(path, key), into, level + 1);
}
