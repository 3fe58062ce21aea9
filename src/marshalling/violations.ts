import type { PropertyViolation } from '../errors';

/** Collects problems found while converting a value, so one error can report all of them. */
export type ViolationSink = PropertyViolation[];

export function addViolation(sink: ViolationSink, property: string, constraint: string, message: string): void {
  sink.push({ property, constraints: { [constraint]: message } });
}

export function childPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
