import { readHidden, readLine, SetupError } from '@trainwire/cli-kit';
import { saveProfile } from '../cli-config.js';
import type { MiddlemanCommand } from '../cli-context.js';
import { credits } from '../cli-jobs-format.js';

const auth: MiddlemanCommand = {
  path: ['auth'],
  summary: 'Check an API key and save it (and --base-url) to a profile of the config file',
  args: ['[API_KEY]'],
  options: [],
  details: [
    'Without API_KEY the key is asked for (not echoed) on a terminal, or read from stdin when piped.',
    'The key goes to the profile named by --profile (or MIDDLEMAN_PROFILE, else "default") in',
    '$XDG_CONFIG_HOME/middleman/config.json (~/.config/middleman/config.json), written atomically with mode 0600;',
    'a --base-url given is saved with it. The first profile saved becomes the default.',
  ].join('\n'),
  examples: [
    'middleman auth',
    'middleman auth mdlm_...',
    'pass show middleman | middleman auth',
    'middleman auth --profile staging --base-url https://staging.middleman.run/api/v1',
  ],
  async run(context) {
    const given =
      context.positionals[0] ??
      (context.io.stdin.isTTY ? await readHidden(context.io, 'Enter your API key:', context.signal) : await readLine(context.io));
    const key = given.trim();
    if (!key) throw new SetupError('No API key given.');
    const client = await context.clientFor(key);
    const balance = await client.getBalance({ signal: context.signal });
    const { profile } = await context.settings();
    const path = await saveProfile(context.io, profile, {
      api_key: key,
      ...(context.options.baseUrl && { base_url: context.options.baseUrl }),
    });
    if (context.json) return void context.emit({ configured: true, profile, path, base_url: client.baseURL, available: balance.available });
    context.out.line(`${context.out.paint('green', '✓')} API key configured (profile ${profile}, saved to ${path}).`);
    context.out.line(`  Balance: ${context.out.paint('cyan', credits(balance.available))} credits available`);
    return undefined;
  },
};

const whoami: MiddlemanCommand = {
  path: ['whoami'],
  summary: 'Show which key, profile and server are in use, and the account balance',
  args: [],
  options: [],
  examples: ['middleman whoami', 'middleman whoami --profile staging', 'MIDDLEMAN_API_KEY=mdlm_... middleman whoami --json'],
  async run(context) {
    const client = await context.client();
    const settings = await context.settings();
    const balance = await client.getBalance({ signal: context.signal });
    const source = settings.keySource === `profile ${settings.profile}` ? `${settings.keySource} (${settings.path})` : settings.keySource;
    if (context.json)
      return void context.emit({
        authenticated: true,
        key_source: source,
        profile: settings.profile,
        base_url: client.baseURL,
        ...balance,
      });
    const { out } = context;
    out.line(out.paint('green', 'Authenticated'));
    out.fields([
      ['Key from', source ?? '-'],
      ['Server', client.baseURL],
      ['Balance', `${out.paint('cyan', credits(balance.balance))} credits`],
      ['Reserved', `${out.paint('yellow', credits(balance.reserved))} credits`],
      ['Available', `${out.paint('green', credits(balance.available))} credits`],
    ]);
    return undefined;
  },
};

export const authCommands: MiddlemanCommand[] = [auth, whoami];
