import { EXIT, liveBlock, renderChart } from '@trainwire/cli-kit';
import { sleep } from '@trainwire/core';
import type { MetricsContext } from './metrics-cli-context.js';

/** One series of a plot: a metric's name and its `[step, value]` points. */
export interface PlotSeries {
  name: string;
  points: [number, number][];
}

/** A snapshot of what is plotted, and whether the run has ended (so `--follow` can stop). */
export interface PlotSnapshot {
  title: string;
  series: PlotSeries[];
  ended: boolean;
}

/** Options every `plot` command takes. */
export interface PlotOptions {
  follow?: boolean;
  interval: number;
  height: number;
}

/** The options of every `plot` command, for its spec. */
export const PLOT_OPTIONS = [
  { flags: '-f, --follow', description: 'Redraw as points arrive, until the run ends or Ctrl-C' },
  {
    flags: '-i, --interval <SECONDS>',
    description: 'Poll interval with --follow (e.g. 2, 500ms, 1m)',
    kind: 'seconds' as const,
    default: 5,
  },
  { flags: '--height <ROWS>', description: 'Rows of the chart', kind: 'integer' as const, default: 15 },
];

/**
 * Draw `load()`'s series as one terminal chart (a legend entry per metric); with `--follow`, poll
 * and redraw in place on a terminal (or print a new chart when points arrive elsewhere) until the
 * run ends or Ctrl-C. With `--json`, one envelope `{ title, series, ended }` per snapshot.
 */
export async function plotSeries(context: MetricsContext<PlotOptions>, load: () => Promise<PlotSnapshot>): Promise<number> {
  const { out, options } = context;
  const live = options.follow && out.isTTY && !context.json ? liveBlock(out) : undefined;
  let lastCount = -1;
  try {
    for (;;) {
      const snapshot = await load();
      const count = snapshot.series.reduce((total, line) => total + line.points.length, 0);
      if (count !== lastCount || snapshot.ended) {
        if (context.json) context.emit(snapshot);
        else {
          const chart = renderChart(snapshot.series, {
            width: out.columns,
            height: options.height,
            color: out.color,
            title: snapshot.title,
          });
          const lines = chart ? chart.replace(/\s+$/, '').split('\n') : [out.paint('dim', `${snapshot.title}: no points yet.`)];
          if (live) live.render(lines);
          else if (count !== lastCount) for (const line of lines) out.line(line);
        }
      }
      lastCount = count;
      if (!options.follow || snapshot.ended) return EXIT.ok;
      await sleep(options.interval * 1000, context.signal);
    }
  } catch (error) {
    if (context.signal.aborted) return EXIT.interrupted;
    throw error;
  } finally {
    live?.done();
  }
}
