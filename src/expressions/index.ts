export { ExpressionAttributes, mergeAttributes } from './expression-attributes';
export { buildUpdateExpression, buildConditionExpression } from './update-expression';
export type { AttributeChange, Condition } from './update-expression';
