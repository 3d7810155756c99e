import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from './json-pointer.js';
import { UsageError } from './usage-error.js';

/** One spec → output pair, both paths relative to the repository root. */
export interface SpecEntry {
  readonly name: string;
  readonly spec: string;
  readonly output: string;
  /**
   * Compile the 2xx response schemas to check functions in the output (see compileChecks).
   * False leaves every body to core's `validate`: smaller, slower. @default true
   */
  readonly compileChecks?: boolean;
  /**
   * Declare each operation, the schemas and the service's other fields as constants of their own,
   * for the standalone functions of a package (a bundle carries only the operations it calls).
   * @default false: one `service` literal
   */
  readonly standalone?: boolean;
}

/** A loaded `codegen.config.json`. */
export interface CodegenConfig {
  /** The repository root: the folder two levels above the config file. */
  readonly root: string;
  readonly specs: readonly SpecEntry[];
}

/** `tools/codegen/codegen.config.json`, found from this module so any working directory works. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../codegen.config.json', import.meta.url));

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const KEYS = ['name', 'spec', 'output'];

/** Reads and checks a codegen config; a problem with it throws a `UsageError`. */
export async function loadCodegenConfig(file: string): Promise<CodegenConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const fail = (message: string): never => {
    throw new UsageError(`${file}: ${message}`);
  };
  if (!isRecord(raw) || !Array.isArray(raw.specs)) fail('expected { "specs": [ ... ] }');
  const root = path.resolve(path.dirname(absolute), '..', '..');
  const specs = (raw as { specs: unknown[] }).specs.map((item, index) => {
    const where = `specs[${index}]`;
    if (!isRecord(item)) return fail(`${where} must be an object with name, spec and output`);
    for (const key of Object.keys(item)) {
      if (!KEYS.includes(key) && key !== 'compileChecks' && key !== 'standalone') fail(`${where} has an unknown key '${key}'`);
    }
    for (const flag of ['compileChecks', 'standalone'])
      if (item[flag] !== undefined && typeof item[flag] !== 'boolean') fail(`${where}.${flag} must be a boolean`);
    for (const key of KEYS) {
      if (typeof item[key] !== 'string' || item[key] === '') fail(`${where}.${key} must be a non-empty string`);
    }
    const entry = item as unknown as SpecEntry;
    if (!NAME.test(entry.name)) fail(`${where}.name '${entry.name}' must be lower-case letters, digits, '.', '_' or '-'`);
    for (const key of ['spec', 'output'] as const) {
      if (!isInside(root, entry[key])) fail(`${where}.${key} must be a relative path inside the repository`);
    }
    if (!entry.output.endsWith('.ts')) fail(`${where}.output must be a .ts file`);
    return {
      name: entry.name,
      spec: normalize(root, entry.spec),
      output: normalize(root, entry.output),
      ...(entry.compileChecks === false && { compileChecks: false }),
      ...(entry.standalone === true && { standalone: true }),
    };
  });
  for (const key of ['name', 'output'] as const) {
    const seen = new Set<string>();
    for (const entry of specs) {
      const value = key === 'output' ? path.resolve(root, entry.output) : entry.name;
      if (seen.has(value)) fail(`two entries share the ${key} '${entry[key]}'`);
      seen.add(value);
    }
  }
  return { root, specs };
}

/** A root-relative path with forward slashes and no `./` or `..` detours. */
function normalize(root: string, relative: string): string {
  return path.relative(root, path.resolve(root, relative)).split(path.sep).join('/');
}

function isInside(root: string, relative: string): boolean {
  if (path.isAbsolute(relative)) return false;
  const resolved = path.relative(root, path.resolve(root, relative));
  return resolved !== '' && !resolved.startsWith('..') && !path.isAbsolute(resolved);
}
