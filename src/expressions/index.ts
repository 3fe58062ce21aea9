export { ExpressionAttributes, mergeAttributes } from './expression-attributes';
export { buildUpdateExpression, buildConditionExpression } from './update-expression';
export type { AttributeChange, Condition } from './update-expression';
export { buildKeyConditionExpression, buildFilterExpression, buildProjectionExpression } from './condition-builder';
export type { AttributeCondition, Comparison, SortKeyExpression, BuiltExpression, PlaceholderValues } from './condition-builder';
export { failedConditionAttributes, holdsCondition } from './condition-evaluator';
