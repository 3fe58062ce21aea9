import { memoizePerClass } from '../metadata/registry';
import type { ClassShape } from '../metadata/types';
import { compileCodec } from './codec';
import type { CompiledField, CompiledShape } from './codec';

/** The conversion plan of a class, compiled once and shared by every entity that nests it. */
export function compileShape(shape: ClassShape): CompiledShape {
  return memoizePerClass(shape.target, 'compiled-shape', () => {
    const fields: CompiledField[] = shape.fields.map((field) => ({
      property: field.property,
      codec: compileCodec(field.type, compileShape),
    }));
    return { shape, fields, byProperty: new Map(fields.map((field) => [field.property, field])) };
  });
}
