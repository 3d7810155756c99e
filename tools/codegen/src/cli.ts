import { parseArguments, USAGE } from './parse-arguments.js';
import { UsageError } from './usage-error.js';

// The command-line entry of `trainwire-codegen`: the only module that prints or exits. The
// generator (TypeScript, Redocly) loads only when needed, so `--help` and usage errors are quick.
try {
  const options = parseArguments(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
  } else {
    const { runCodegen } = await import('./run-codegen.js');
    process.exitCode = await runCodegen({
      ...options,
      stdout: (line) => console.log(line),
      stderr: (line) => console.error(line),
    });
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`trainwire-codegen: ${error.message}`);
  if (error.message.startsWith('Unknown option') || error.message.includes('argument')) console.error(USAGE);
  process.exitCode = 2;
}
