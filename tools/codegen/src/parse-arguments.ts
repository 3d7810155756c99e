import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_FILE } from './codegen-config.js';
import { UsageError } from './usage-error.js';

/** The command line of `trainwire-codegen`. */
export interface CodegenArguments {
  readonly names: readonly string[];
  readonly check: boolean;
  readonly configFile: string;
  readonly help: boolean;
}

/** The usage text printed by `--help` and after a usage error. */
export const USAGE = `Usage: trainwire-codegen [names...] [--check] [--config <file>]

Generates each spec's output file listed in the config (all entries, or only the named ones).

Options:
  --check          write nothing; exit 1 if an output differs from what its spec produces
  --config <file>  the config to use (default: tools/codegen/codegen.config.json)
  -h, --help       print this help

Exit codes: 0 success, 1 a spec has errors or an output is out of date, 2 usage or config error.`;

/** Parses `process.argv.slice(2)`; a bad option throws a `UsageError`. */
export function parseArguments(argv: readonly string[]): CodegenArguments {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        check: { type: 'boolean', default: false },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return {
      names: positionals,
      check: values.check === true,
      configFile: values.config ?? DEFAULT_CONFIG_FILE,
      help: values.help === true,
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
