import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TableSchemaMismatchError } from '../errors';
import { isConditionFailure } from '../client/executor';
import type { RequestExecutor } from '../client/executor';
import { ATTR } from '../metadata/attributes';
import { getEntityMetadata } from '../metadata/entity-metadata';
import { indexedClasses } from '../metadata/table-layout';
import type { Constructor, EntityMetadata } from '../metadata/types';
import { layoutRecordProblems, layoutRecordsQueryInput, recordedIndexesOf, recordIndexesInput, unrecordedIndexes } from '../operations/layout-record';
import type { RecordedIndex } from '../operations/layout-record';

/** Recorded indexes by type name, then by index name. */
export type LayoutRecords = Map<string, Map<string, RecordedIndex>>;

/** The entity types that declare indexes (of the table's classes, else of every registered one): the ones with something to record. */
export function indexedEntities(entities?: readonly Constructor[]): EntityMetadata[] {
  return indexedClasses(entities).map((target) => getEntityMetadata(target));
}

export async function readLayoutRecords(executor: RequestExecutor, tableName: string): Promise<LayoutRecords> {
  const records: LayoutRecords = new Map();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = await executor.send('Query', layoutRecordsQueryInput(tableName, startKey));
    for (const item of output.Items ?? []) records.set(item[ATTR.sk]?.S ?? '', recordedIndexesOf(item));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return records;
}

/** TableSchemaMismatchError when an index moved to another GSI or changed its key since it was recorded. */
export function checkLayoutRecords(tableName: string, entities: readonly EntityMetadata[], records: LayoutRecords): void {
  const problems = entities.flatMap((meta) => layoutRecordProblems(meta, records.get(meta.typeName) ?? new Map()));
  if (problems.length > 0) throw new TableSchemaMismatchError(tableName, problems);
}

/** Attempts per entity type; each lost race means another process recorded something, so few are needed. */
const MAX_RECORD_ATTEMPTS = 5;

/**
 * Records the indexes not yet in the table's layout record, once their GSIs exist. A lost race (another
 * process recorded an index first) reads the records again: the same definition is fine, another one
 * is the mismatch it would have been found to be.
 */
export async function recordNewIndexes(executor: RequestExecutor, tableName: string, entities: readonly EntityMetadata[], records: LayoutRecords): Promise<void> {
  for (const meta of entities) {
    let recorded = records.get(meta.typeName) ?? new Map<string, RecordedIndex>();
    for (let attempt = 1; ; attempt += 1) {
      const missing = unrecordedIndexes(meta, recorded);
      if (missing.length === 0) break;
      try {
        await executor.send('UpdateItem', recordIndexesInput(tableName, meta, missing), meta.className);
        break;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= MAX_RECORD_ATTEMPTS) throw error;
      }
      const reread = await readLayoutRecords(executor, tableName);
      checkLayoutRecords(tableName, [meta], reread);
      recorded = reread.get(meta.typeName) ?? new Map<string, RecordedIndex>();
    }
  }
}
