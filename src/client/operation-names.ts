/** The DynamoDB operations the library sends (its own module, so that cost types need not import the executor). */
export type OperationName =
  | 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan'
  | 'BatchGetItem' | 'BatchWriteItem' | 'TransactGetItems' | 'TransactWriteItems'
  | 'DescribeTable' | 'CreateTable' | 'UpdateTable';
