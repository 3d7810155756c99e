import { envelopeLine, UsageError } from '@trainwire/cli-kit';
import type { ApiKeyScope } from '../../middleman-client.js';
import type { MiddlemanCommand } from '../cli-context.js';
import { confirmOrFail, idArgument } from './jobs-commands.js';

const list: MiddlemanCommand = {
  path: ['keys', 'list'],
  summary: 'List your API keys (prefixes only)',
  args: [],
  options: [],
  examples: ['middleman keys list', 'middleman keys list --json'],
  async run(context) {
    const client = await context.client();
    const keys = await client.listApiKeys({ signal: context.signal });
    if (context.json) return void context.emit(keys);
    const { out } = context;
    if (keys.length === 0) return void out.line(out.paint('dim', 'No API keys found.'));
    out.table(
      ['ID', 'NAME', 'PREFIX', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES'],
      keys.map((key) => [
        out.paint('cyan', key.id.slice(0, 8)),
        key.name,
        `${key.key_prefix}...`,
        out.paint('magenta', key.scopes.join(', ')),
        key.created_at.slice(0, 10),
        key.last_used_at?.slice(0, 10) ?? '-',
        key.expires_at?.slice(0, 10) ?? 'never',
      ]),
      { title: 'API Keys' },
    );
    return undefined;
  },
};

const create: MiddlemanCommand<{ expires?: number; scopes?: string }> = {
  path: ['keys', 'create'],
  summary: 'Create an API key (the full key is shown this once)',
  args: ['<name>'],
  options: [
    { flags: '-e, --expires <DAYS>', description: 'Days until the key expires (1-365; default: never)', kind: 'integer' },
    { flags: '-s, --scopes <LIST>', description: 'Comma-separated scopes: read, write, admin (default: read,write)' },
  ],
  examples: ['middleman keys create "CI/CD Pipeline" --expires 90', 'middleman keys create reader --scopes read --json'],
  async run(context) {
    const [name] = context.positionals as [string];
    const client = await context.client();
    const scopes = context.options.scopes
      ?.split(',')
      .map((scope) => scope.trim())
      .filter(Boolean) as ApiKeyScope[] | undefined;
    const [info, fullKey] = await client.createApiKey(
      { name, scopes, expires_in_days: context.options.expires },
      { signal: context.signal },
    );
    // The new key is printed on purpose, once; every other output keeps keys redacted.
    if (context.json) return void context.out.unredacted(envelopeLine(context.command, { ...info, key: fullKey }));
    const { out } = context;
    out.line(out.paint('green', '✓ API key created'));
    out.fields([
      ['ID', info.id],
      ['Name', info.name],
      ['Scopes', info.scopes.join(', ')],
      ['Expires', info.expires_at ?? 'never'],
    ]);
    out.unredacted(`${out.paint('dim', 'Key:')}     ${out.paint('cyan', fullKey)}`);
    out.line(out.paint('yellow', "Save this key now - it won't be shown again!"));
    return undefined;
  },
};

const revoke: MiddlemanCommand<{ yes?: boolean }> = {
  path: ['keys', 'revoke'],
  summary: 'Revoke an API key',
  args: ['<key-id>'],
  options: [{ flags: '-y, --yes', description: 'Skip the confirmation' }],
  examples: ['middleman keys revoke 5e6f7a8b-... --yes'],
  async run(context) {
    const client = await context.client();
    let keyId = idArgument(context);
    if (keyId.length < 36) {
      const matches = (await client.listApiKeys({ signal: context.signal })).filter((key) => key.id.startsWith(keyId));
      if (matches.length > 1) throw new UsageError(`Key id prefix ${keyId} is ambiguous; give more characters.`);
      keyId = matches[0]?.id ?? keyId;
    }
    await confirmOrFail(context, `Revoke API key ${keyId.slice(0, 8)}?`);
    const result = await client.revokeApiKey(keyId, { signal: context.signal });
    if (context.json) return void context.emit({ id: keyId, ...result });
    context.out.line(`${context.out.paint('green', '✓')} API key ${context.out.paint('cyan', keyId.slice(0, 8))} revoked.`);
    return undefined;
  },
};

export const keysCommands: MiddlemanCommand[] = [list, create, revoke];
