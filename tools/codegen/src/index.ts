export { buildService } from './build-service.js';
export { type CodegenConfig, DEFAULT_CONFIG_FILE, loadCodegenConfig, type SpecEntry } from './codegen-config.js';
export { convertSchema } from './convert-schema.js';
export { generateSpec, type SpecResult } from './generate-spec.js';
export { formatProblem, type Problem } from './problem.js';
export { type RunOptions, runCodegen } from './run-codegen.js';
export { UsageError } from './usage-error.js';
