import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AttributeCondition } from '../expressions';

export type EntryOperation = 'create' | 'save' | 'update' | 'delete' | 'deleteByStr' | 'conditionCheck' | 'uniqueGuard' | 'uniqueRelease';

/** One item of a transaction, with what is needed to explain its failure and to finish after commit. */
export interface TransactionEntry {
  request: TransactWriteItem;
  operation: EntryOperation;
  entity: string;
  strIdField: string;
  strId: string;
  /** The version the caller loaded (version-guarded entries) or the write read: explains a failure. */
  expectedVersion?: number;
  /** For unique guards: the field and its value. */
  field?: string;
  value?: string;
  /** The write id the entry stores (puts and updates): evidence that a retried request already landed. */
  writeId?: string;
  /** The caller's `condition` on the entity's fields: explains a failure that is not the library's. */
  conditions?: readonly AttributeCondition[];
  /** Runs once the transaction committed (sets uid/version on instances). */
  afterCommit?: () => void;
  /**
   * Runs when the transaction is canceled because this entry's condition failed, with the stored
   * item the cancellation reason carries (ALL_OLD), or undefined where the engine returns none.
   */
  onConditionFailed?: (stored: Record<string, AttributeValue> | undefined) => void;
}
