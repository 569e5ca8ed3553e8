/**
 * Every admin API shape, registered in the order of the OpenAPI document's components: import
 * this module (not a single domain's) before asking for componentSchemas().
 */
export * from './registry';
export * from './endpoint';
export * from './auth';
export * from './plan';
export * from './usage';
export * from './events';
export * from './tokens';
export * from './requestLog';
