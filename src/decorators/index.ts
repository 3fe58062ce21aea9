import 'reflect-metadata';

export { Table } from './table';
export { Field, StrId } from './field';
