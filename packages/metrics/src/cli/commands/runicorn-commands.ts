import type { PlotOptions } from '../follow-chart.js';
import { PLOT_OPTIONS, plotSeries } from '../follow-chart.js';
import type { MetricsCommand } from '../metrics-cli-context.js';

const experiments: MetricsCommand<{ project?: string; status?: string; limit: number }> = {
  path: ['runicorn', 'experiments'],
  summary: 'List the runs of a Runicorn viewer, newest first',
  args: [],
  options: [
    { flags: '-p, --project <NAME>', description: 'Only runs of this project' },
    { flags: '-s, --status <STATUS>', description: 'Only runs in this status (running, finished, failed)' },
    { flags: '-l, --limit <N>', description: 'Runs to show', kind: 'integer', default: 20 },
  ],
  examples: [
    'trainwire-metrics runicorn experiments',
    'trainwire-metrics runicorn experiments --project vision --viewer http://127.0.0.1:23300',
  ],
  async run(context) {
    const { project, status, limit } = context.options;
    const runs = await context
      .runicorn()
      .listExperiments({ ...(project && { project }), ...(status && { status }), limit }, { signal: context.signal });
    if (context.json) return void context.emit(runs);
    const { out } = context;
    if (runs.length === 0) return void out.line(out.paint('dim', 'No runs found.'));
    out.table(
      ['ID', 'PROJECT', 'NAME', 'STATUS', 'BEST'],
      runs.map((run) => [
        out.paint('cyan', run.id),
        run.project ?? '-',
        run.name ?? '-',
        run.status,
        run.best_metric_name ? `${run.best_metric_name}=${Number(run.best_metric_value?.toPrecision(4))}` : '-',
      ]),
    );
    return undefined;
  },
};

const metrics: MetricsCommand = {
  path: ['runicorn', 'metrics'],
  summary: "Show a run's metrics: each name with its points and last value",
  args: ['<run-id>'],
  options: [],
  examples: [
    'trainwire-metrics runicorn metrics 20260101_120000_abc123',
    'trainwire-metrics runicorn metrics 20260101_120000_abc123 --json',
  ],
  async run(context) {
    const result = await context.runicorn().getMetrics(context.positionals[0] as string, {}, { signal: context.signal });
    if (context.json) return void context.emit(result.metrics, { run_id: result.run_id, total: result.total, sampled: result.sampled });
    const { out } = context;
    const names = Object.keys(result.metrics);
    if (names.length === 0) return void out.line(out.paint('dim', 'No metrics logged yet.'));
    out.table(
      ['METRIC', 'POINTS', 'LAST STEP', 'LAST VALUE'],
      names.map((name) => {
        const points = result.metrics[name] ?? [];
        const last = points.at(-1);
        return [
          name,
          String(points.length),
          String(last?.step ?? '-'),
          last === undefined ? '-' : String(Number(last.value.toPrecision(6))),
        ];
      }),
      { right: [1, 2, 3] },
    );
    return undefined;
  },
};

const plot: MetricsCommand<PlotOptions> = {
  path: ['runicorn', 'plot'],
  summary: "Plot one or more of a run's metrics as a terminal chart",
  args: ['<run-id>', '<metric...>'],
  options: PLOT_OPTIONS,
  details: 'With --follow the chart is redrawn as the run logs and stops when it is no longer running.',
  examples: [
    'trainwire-metrics runicorn plot 20260101_120000_abc123 loss val_loss',
    'trainwire-metrics runicorn plot 20260101_120000_abc123 loss --follow',
  ],
  async run(context) {
    const client = context.runicorn();
    const [runId, ...names] = context.positionals as [string, ...string[]];
    return plotSeries(context, async () => {
      const [run, result] = await Promise.all([
        client.getExperiment(runId, { signal: context.signal }),
        client.getMetrics(runId, { metric_names: names }, { signal: context.signal }),
      ]);
      const series = names.map((name) => ({
        name,
        points: (result.metrics[name] ?? []).map((point) => [point.step, point.value] as [number, number]),
      }));
      return { title: `${run.project ?? ''}/${run.name ?? run.id} (${run.status})`, series, ended: run.status !== 'running' };
    });
  },
};

export const runicornCommands: MetricsCommand[] = [experiments, metrics, plot];
