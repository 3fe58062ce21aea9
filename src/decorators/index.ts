import 'reflect-metadata';

export { Table } from './table';
export { Field, StrId, Unique } from './field';
export { Index } from './index-decorator';
