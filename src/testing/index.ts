/**
 * `dynamo-single-table/testing`: helpers for running code against a local DynamoDB in tests.
 * Kept out of the main entry point so production bundles never reference dynalite.
 */
export { startLocalDynamoDB, localClientConfig, LocalDynamoDBError } from './local-dynamodb';
export type { LocalDynamoDB, LocalDynamoDBOptions } from './local-dynamodb';
