import { validate } from 'class-validator';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { PropertyViolation } from '../errors';
import { constraintsHold } from './constraint-check';

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
  const errors = await validate(entity, VALIDATOR_OPTIONS);
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
