// The pipeline document module: schema, parse (text -> document), validate, serialize,
// migrate, params with defaults, and document-relative paths.
export * from './document.ts';
export { parsePipelineText, parsePipelineJson, tooLargeMessage, type ParseResult } from './parse.ts';
export { validateDocument, type ValidateOptions } from './validate.ts';
export { validateUnknown } from './validate-unknown.ts';
export { serializeDocument } from './serialize.ts';
export { migrateDocument, MIGRATIONS, type MigrationStep } from './migrate.ts';
export { paramsWithDefaults, isParamVisible, checkParamValue } from './params.ts';
export { applyDefaults, rebaseDocumentPaths } from './transform.ts';
