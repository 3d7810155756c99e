import { readHidden, readLine, SetupError, writeSecureFile } from '@trainwire/cli-kit';
import { NotFoundError } from '@trainwire/core';
import type { SyvainMetricsApiClient } from '../../metrics/syvain-metrics-client.js';
import { PLOT_OPTIONS, type PlotOptions, type PlotSeries, plotSeries } from '../follow-chart.js';
import type { MetricsCommand, MetricsContext } from '../metrics-cli-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** An experiment id from an id or a slug (the CLI shows both). */
async function experimentId(client: SyvainMetricsApiClient, given: string, signal: AbortSignal): Promise<string> {
  if (UUID.test(given)) return given;
  for await (const experiment of client.listExperiments({ search: given }, { signal })) if (experiment.slug === given) return experiment.id;
  throw new NotFoundError({ status: 404, message: `No Syvain experiment with id or slug ${JSON.stringify(given)}.` });
}

const auth: MetricsCommand<{ host?: string }> = {
  path: ['syvain', 'auth'],
  summary: "Check a Syvain org API key and save it as the Syvain CLI's local auth (what SyvainMetricsApiClient('local') reads)",
  args: ['[API_KEY]'],
  options: [],
  details: [
    'Without API_KEY the key is asked for (not echoed) on a terminal, or read from stdin when piped. It is checked with the',
    'server, then written to ~/.config/syvain-metrics/auth.json as {"api_key", "base_url"}: atomically, mode 0600, in a 0700',
    "folder; a symlink, another user's file or a folder others can write is refused.",
  ].join('\n'),
  examples: ['trainwire-metrics syvain auth', 'trainwire-metrics syvain auth ak_org_... --host https://eu.metrics.syvain.com'],
  async run(context) {
    const given =
      context.positionals[0] ??
      (context.io.stdin.isTTY ? await readHidden(context.io, 'Syvain org API key:', context.signal) : await readLine(context.io));
    const key = given.trim();
    if (!key) throw new SetupError('No API key given.');
    const client = context.syvain(key);
    const status = await client.authStatus({ signal: context.signal });
    const baseURL = context.options.host ?? context.io.env.SYVAIN_METRICS_HOST;
    await writeSecureFile(
      context.authFile,
      `${JSON.stringify({ api_key: key, ...(baseURL && { base_url: baseURL }), org_id: status.principal.org_id }, null, 2)}\n`,
    );
    if (context.json) return void context.emit({ configured: true, path: context.authFile, org_id: status.principal.org_id });
    context.out.line(`${context.out.paint('green', '✓')} Signed in to org ${status.principal.org_id} (saved to ${context.authFile}).`);
    return undefined;
  },
};

const whoami: MetricsCommand = {
  path: ['syvain', 'whoami'],
  summary: 'Show whose key is in use and its scopes',
  args: [],
  options: [],
  examples: ['trainwire-metrics syvain whoami', 'trainwire-metrics syvain whoami --json'],
  async run(context) {
    const status = await context.syvain().authStatus({ signal: context.signal });
    if (context.json) return void context.emit(status);
    context.out.fields([
      ['Org', status.principal.org_id],
      ['Key', `${status.principal.key_prefix}... (${status.principal.type})`],
      ['Scopes', status.scopes.join(', ') || '-'],
    ]);
    return undefined;
  },
};

const experiments: MetricsCommand<{ status?: string; search?: string; limit: number }> = {
  path: ['syvain', 'experiments'],
  summary: 'List experiments, newest first',
  args: [],
  options: [
    { flags: '-s, --status <STATUS>', description: 'Only this status: created, running, completed, failed, cancelled' },
    { flags: '-q, --search <TEXT>', description: 'Only experiments whose slug or description has TEXT' },
    { flags: '-l, --limit <N>', description: 'Experiments to show', kind: 'integer', default: 20 },
  ],
  examples: ['trainwire-metrics syvain experiments', 'trainwire-metrics syvain experiments --status running --json'],
  async run(context) {
    const { status, search, limit } = context.options;
    const query = { ...(status && { status: status as never }), ...(search && { search }) };
    const found = await context.syvain().listExperiments(query, { signal: context.signal, maxItems: limit }).toArray();
    if (context.json) return void context.emit(found);
    const { out } = context;
    if (found.length === 0) return void out.line(out.paint('dim', 'No experiments found.'));
    out.table(
      ['ID', 'SLUG', 'STATUS', 'CREATED', 'DESCRIPTION'],
      found.map((item) => [
        out.paint('cyan', item.id.slice(0, 8)),
        item.slug,
        item.status,
        item.created_at.slice(0, 16),
        (item.description ?? '').slice(0, 40),
      ]),
    );
    return undefined;
  },
};

const metrics: MetricsCommand = {
  path: ['syvain', 'metrics'],
  summary: "Show an experiment's metrics: each name with its point count and step range",
  args: ['<experiment>'],
  options: [],
  details: 'EXPERIMENT is an id or a slug.',
  examples: ['trainwire-metrics syvain metrics mamba-run-001', 'trainwire-metrics syvain metrics 8f1c2d3e-... --json'],
  async run(context) {
    const client = context.syvain();
    const id = await experimentId(client, context.positionals[0] as string, context.signal);
    const catalog = await client.listMetricCatalog(id, { signal: context.signal });
    if (context.json) return void context.emit(catalog.metrics, { experiment_id: id });
    const { out } = context;
    if (catalog.metrics.length === 0) return void out.line(out.paint('dim', 'No metrics logged yet.'));
    out.table(
      ['METRIC', 'POINTS', 'FIRST STEP', 'LAST STEP', 'METADATA KEYS'],
      catalog.metrics.map((entry) => [
        entry.name,
        String(entry.count),
        String(entry.first_step ?? '-'),
        String(entry.last_step ?? '-'),
        entry.metadata_keys.join(', '),
      ]),
      { right: [1, 2, 3] },
    );
    return undefined;
  },
};

/** Every point of `name` in the experiment, as `[step, value]` (a point without a step takes its rank). */
async function series(context: MetricsContext, client: SyvainMetricsApiClient, id: string, name: string): Promise<PlotSeries> {
  const points: [number, number][] = [];
  for await (const point of client.listMetrics(id, { name }, { signal: context.signal }))
    points.push([point.step ?? points.length, point.value]);
  return { name, points: points.sort(([a], [b]) => a - b) };
}

const plot: MetricsCommand<PlotOptions> = {
  path: ['syvain', 'plot'],
  summary: "Plot one or more of an experiment's metrics as a terminal chart",
  args: ['<experiment>', '<metric...>'],
  options: PLOT_OPTIONS,
  details: 'EXPERIMENT is an id or a slug. With --follow the chart is redrawn as points arrive and stops when the experiment ends.',
  examples: [
    'trainwire-metrics syvain plot mamba-run-001 loss',
    'trainwire-metrics syvain plot mamba-run-001 loss accuracy --follow',
    'trainwire-metrics syvain plot mamba-run-001 loss --json | jq .data.series[0].points',
  ],
  async run(context) {
    const client = context.syvain();
    const [given, ...names] = context.positionals as [string, ...string[]];
    const id = await experimentId(client, given, context.signal);
    return plotSeries(context, async () => {
      const [{ experiment }, ...lines] = await Promise.all([
        client.getExperiment(id, { signal: context.signal }),
        ...names.map((name) => series(context, client, id, name)),
      ]);
      return { title: `${experiment.slug} (${experiment.status})`, series: lines as PlotSeries[], ended: ENDED.has(experiment.status) };
    });
  },
};

export const syvainCommands: MetricsCommand[] = [auth, whoami, experiments, metrics, plot];
