import { Inject } from '@nestjs/common';
import type { Constructor } from '../metadata/types';
import { getEntityManagerToken, getRepositoryToken } from './tokens';

/**
 * Injects the Repository of `entity` on connection `name` (register it with
 * `DynamoSingleTableModule.forFeature([entity], name)` in the same module). Type the parameter as
 * `Repository<Entity>`: the token, not the parameter type, selects the provider.
 */
export function InjectRepository(entity: Constructor, name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getRepositoryToken(entity, name));
}

/** Injects the EntityManager of connection `name` (the default connection when omitted). */
export function InjectEntityManager(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getEntityManagerToken(name));
}
