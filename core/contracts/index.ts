// The contract language and its compilers: the one import for contracts and consumers.
export * from './fields';
export * from './dsl';
export * from './demo';
export * from './changes';
export * from './model';
export * from './naming';
export * from './validate';
export * from './ownership';
export * from './jsonschema';
export * from './validators';
export * from './mapping';
export * from './graphql';
export * from './elasticsearch';
export * from './compile';
export * from './breaking';
export * from './infer';
export * from './records-doc';
