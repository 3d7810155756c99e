import type { CommandSpec } from '../cli-command.js';
import { configPath, writeConfig } from '../cli-config.js';
import { SetupError } from '../cli-errors.js';
import { credits } from '../cli-output.js';
import { readHidden, readLine } from '../cli-prompt.js';

const auth: CommandSpec = {
  path: ['auth'],
  summary: 'Check an API key and save it to ~/.middleman/config (mode 0600)',
  args: ['[API_KEY]'],
  options: [],
  details: 'Without API_KEY the key is asked for (not echoed) on a terminal, or read from stdin when piped.',
  examples: ['middleman auth', 'middleman auth mdlm_...', 'pass show middleman | middleman auth'],
  async run(context) {
    const given =
      context.positionals[0] ??
      (context.io.stdin.isTTY ? await readHidden(context.io, 'Enter your API key: ') : await readLine(context.io));
    const key = given.trim();
    if (!key) throw new SetupError('No API key given.');
    const balance = await context.clientFor(key).getBalance({ signal: context.signal });
    const path = await writeConfig(context.io, key);
    if (context.json) return void context.out.json({ configured: true, path, available: balance.available });
    context.out.line(`${context.out.paint('green', '✓')} API key configured (saved to ${path}).`);
    context.out.line(`  Balance: ${context.out.paint('cyan', credits(balance.available))} credits available`);
    return undefined;
  },
};

const whoami: CommandSpec = {
  path: ['whoami'],
  summary: 'Show which key is in use and the account balance',
  args: [],
  options: [],
  examples: ['middleman whoami', 'MIDDLEMAN_API_KEY=mdlm_... middleman whoami --json'],
  async run(context) {
    const client = await context.client();
    const balance = await client.getBalance({ signal: context.signal });
    const source = context.options.apiKey ? '--api-key' : context.io.env.MIDDLEMAN_API_KEY ? 'MIDDLEMAN_API_KEY' : configPath(context.io);
    if (context.json) return void context.out.json({ authenticated: true, key_source: source, base_url: client.baseURL, ...balance });
    const { out } = context;
    out.line(out.paint('green', 'Authenticated'));
    out.fields([
      ['Key from', source],
      ['Server', client.baseURL],
      ['Balance', `${out.paint('cyan', credits(balance.balance))} credits`],
      ['Reserved', `${out.paint('yellow', credits(balance.reserved))} credits`],
      ['Available', `${out.paint('green', credits(balance.available))} credits`],
    ]);
    return undefined;
  },
};

export const authCommands: CommandSpec[] = [auth, whoami];
