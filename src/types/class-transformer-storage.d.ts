// class-transformer keeps `@Type()` metadata in a storage object it does not export from its index.
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: {
    findTypeMetadata(
      target: object,
      propertyName: string,
    ): { typeFunction: (options?: unknown) => unknown } | undefined;
  };
}
