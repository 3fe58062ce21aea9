/**
 * Every error keeps the developer's fix apart from what happened: `summary` names the entity, field
 * and values; `hint` says what to do; `message` is both, for logs. The NestJS filter sends `summary`.
 */
import {
  CollectionTooLargeError,
  ConditionFailedError,
  DynamoSingleTableError,
  EntityAlreadyExistsError,
  EntityNotFoundError,
  InvalidArgumentError,
  ItemTooLargeError,
  MetadataError,
  NotConfiguredError,
  ParentRequiredError,
  TableNotFoundError,
  TableNotReadyError,
  TableSchemaMismatchError,
  TransactionCanceledError,
  TransactionTooLargeError,
  UniqueConstraintError,
  UnsupportedByEngineError,
  VersionConflictError,
} from '../../src';
import { StrId, Table } from '../../src/decorators';
import { decodeCursor } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';

const missingTable = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });

/** [error, summary, hint]: the texts as a developer reads them. */
const hinted: Array<[string, DynamoSingleTableError, string, string]> = [
  [
    'EntityAlreadyExistsError',
    new EntityAlreadyExistsError('User', 'username', 'ada'),
    'User with username "ada" already exists.',
    'Use getOrCreate() to fetch it, or save() a loaded copy to change it.',
  ],
  [
    'VersionConflictError',
    new VersionConflictError('User', 'ada', 1, 2),
    'User "ada" was expected at version 1 but it is now at version 2.',
    'Reload it, apply your change again and retry.',
  ],
  [
    'ConditionFailedError',
    new ConditionFailedError('Article', 'intro', ['authorId', 'state']),
    'Article "intro" was not written: its condition on authorId, state does not hold on the stored entity.',
    'Reload it to see its current values.',
  ],
  [
    'ItemTooLargeError',
    new ItemTooLargeError('User', 'ada', 500_000, 400_000),
    'User "ada" would be stored as 500000 bytes; DynamoDB items are limited to 400000 bytes.',
    'Move large values (files, long text) to S3 and store a reference.',
  ],
  [
    'UniqueConstraintError',
    new UniqueConstraintError('User', 'email', 'ada@example.com'),
    'User.email "ada@example.com" is already taken by another User.',
    'Choose another email.',
  ],
  [
    'CollectionTooLargeError',
    new CollectionTooLargeError('Article', 'intro', 'rename', 151, 100),
    'rename of Article "intro" would write 151 items (the entity, its children and their unique guards) in one transaction; ' +
      'DynamoDB allows 100. Nothing was written.',
    'Move or delete children first, or delete with { cascade: true }, which works in steps.',
  ],
  [
    'TransactionTooLargeError',
    new TransactionTooLargeError(101, 100),
    'A transaction holds 101 items; DynamoDB allows at most 100 (unique-field guards count too). Nothing was sent.',
    'Split it into smaller transactions.',
  ],
  [
    'ParentRequiredError',
    new ParentRequiredError('Comment', 'Article', 'getByStr'),
    'Comment is stored under its parent Article, so getByStr needs the parent.',
    'Call it on getRepository(Comment).of(articleOrStrId) (Active Record: Comment.of(...)).',
  ],
  [
    'NotConfiguredError',
    new NotConfiguredError('User'),
    'User has no EntityManager.',
    'Call BaseEntity.useEntityManager(em) (or User.useEntityManager(em)) at start-up.',
  ],
  [
    'TableNotFoundError',
    new TableNotFoundError('GetItem', missingTable, { tableName: 'app' }, 'User'),
    'DynamoDB GetItem for User failed: table "app" does not exist in the region and account of this client.',
    'Call em.ensureTableExists() at start-up (it creates the table and its index and waits until they are ACTIVE), ' +
      'or create the table with the layout described in the README.',
  ],
  [
    'TableNotReadyError',
    new TableNotReadyError('app', 1000, 'CREATING'),
    'Table "app" did not become ACTIVE within 1000 ms (status CREATING).',
    'Raise ensureTableExists({ timeoutMs }) or check the table in the AWS console.',
  ],
  [
    'TableSchemaMismatchError',
    new TableSchemaMismatchError('app', ['PK is a number']),
    'Table "app" exists with a different schema: PK is a number.',
    'Use another tableName, or migrate the table to the layout described in the README.',
  ],
  [
    'UnsupportedByEngineError',
    new UnsupportedByEngineError('transactions', 'TransactWriteItems', undefined),
    'TransactWriteItems needs transactions, which this DynamoDB engine does not support (dynalite has no ' +
      'TransactWriteItems/TransactGetItems). Nothing was written.',
    'Use DynamoDB, DynamoDB Local or moto for this.',
  ],
  ['MetadataError with a hint', new MetadataError('User has @Table() more than once.', 'User', { hint: 'Keep one.' }), 'User has @Table() more than once.', 'Keep one.'],
  [
    'InvalidArgumentError with a hint',
    new InvalidArgumentError('save() takes a User instance.', 'User', { hint: 'Use create() for plain data.' }),
    'save() takes a User instance.',
    'Use create() for plain data.',
  ],
];

describe('summary and hint', () => {
  it.each(hinted)('%s: summary, hint, and the message joining them', (_name, error, summary, hint) => {
    expect({ summary: error.summary, hint: error.hint }).toEqual({ summary, hint });
    expect(error.message).toBe(`${summary} ${hint}`);
  });

  it('an error without a fix has no hint, and its summary is its message', () => {
    for (const error of [new EntityNotFoundError('User', { username: 'ada' }), new InvalidArgumentError('limit must be a positive integer, got 0.')]) {
      expect(error.hint).toBeUndefined();
      expect(error.summary).toBe(error.message);
    }
    // An empty hint is no hint: the message does not end in a space.
    expect(new DynamoSingleTableError('INVALID_ARGUMENT', 'Bad.', { hint: '' })).toMatchObject({ message: 'Bad.', hint: undefined });
  });

  it('InvalidArgumentError still takes a code as its third argument', () => {
    expect(new InvalidArgumentError('needs a parent.', 'Comment', 'PARENT_REQUIRED')).toMatchObject({ code: 'PARENT_REQUIRED', hint: undefined });
    expect(new InvalidArgumentError('x.', 'Comment', { code: 'PARENT_REQUIRED', hint: 'Do y.' })).toMatchObject({ code: 'PARENT_REQUIRED', message: 'x. Do y.' });
  });

  it('a canceled transaction summarizes its items without their hints, and gives each hint once', () => {
    const conflict = (strId: string) => new VersionConflictError('User', strId, 1, 2);
    const error = new TransactionCanceledError(
      [
        { index: 0, operation: 'save', entity: 'User', strId: 'ada', reason: 'ConditionalCheckFailed', error: conflict('ada') },
        { index: 1, operation: 'save', entity: 'User', strId: 'bob', reason: 'ConditionalCheckFailed', error: conflict('bob') },
        { index: 2, operation: 'uniqueGuard', entity: 'User', strId: 'cy', reason: 'ConditionalCheckFailed', error: new UniqueConstraintError('User', 'email', 'c@x.io') },
        { index: 3, operation: 'delete', entity: 'Group', strId: 'g', reason: 'TransactionConflict' },
      ],
      undefined,
    );
    expect(error.summary).toBe(
      'Transaction canceled, nothing was written: User "ada" was expected at version 1 but it is now at version 2. | ' +
        'User "bob" was expected at version 1 but it is now at version 2. | User.email "c@x.io" is already taken by another User. | ' +
        'Group "g" (delete): TransactionConflict',
    );
    expect(error.hint).toBe('Reload it, apply your change again and retry. Choose another email.');
    expect(new TransactionCanceledError([{ index: 0, operation: 'delete', entity: 'Group', strId: 'g', reason: 'TransactionConflict' }], undefined).hint).toBeUndefined();
  });
});

@Table('hintuser')
class HintUser {
  @StrId() username!: string;
}

describe('hints of errors raised by the library', () => {
  it('a forged cursor: the summary says what is wrong with it, the hint how to page', () => {
    let error: unknown;
    try {
      decodeCursor('bm90LWEtY3Vyc29y', getEntityMetadata(HintUser), 'typeIndex');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).summary).toMatch(/^Invalid cursor for HintUser: [^.]+\.$/);
    expect((error as InvalidArgumentError).hint).toBe('Pass back the cursor a query() of HintUser returned, unchanged.');
  });

  it('a class with @Table() twice: the summary names it, the hint is the fix', () => {
    @Table('hinttwicea')
    @Table('hinttwiceb')
    class Twice {
      @StrId() id!: string;
    }
    expect(() => getEntityMetadata(Twice)).toThrow(MetadataError);
    expect(() => getEntityMetadata(Twice)).toThrow(expect.objectContaining({ summary: 'Twice has @Table() more than once.', hint: 'Keep one.' }));
  });
});
