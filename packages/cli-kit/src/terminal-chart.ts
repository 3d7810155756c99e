import { type Color, plot } from 'simple-ascii-chart';

/** One line of a chart: a name for the legend and its `[x, y]` points (x is usually the step). */
export interface ChartSeries {
  name: string;
  points: ReadonlyArray<readonly [x: number, y: number]>;
}

/** How {@link renderChart} draws. */
export interface ChartOptions {
  /** Columns the whole chart may use, axis labels included. @default 80 */
  width?: number;
  /** Rows of the plot area. @default 12 */
  height?: number;
  /** Colour each series (ANSI); without colour the legend still names them in order. @default false */
  color?: boolean;
  title?: string;
  /** The x axis's name. @default 'step' */
  xLabel?: string;
}

const COLORS: Color[] = ['ansiCyan', 'ansiMagenta', 'ansiYellow', 'ansiGreen', 'ansiBlue', 'ansiRed'];
const Y_LABEL_WIDTH = 8;

/**
 * A line chart of one or more series for a terminal (simple-ascii-chart): y axis with labels, x
 * axis with a few step ticks, one colour per series and a legend. Series are thinned to the
 * columns available (the mean of each column's points), so a million points draw as fast as fifty.
 * Returns '' when no series has a finite point.
 */
export function renderChart(series: readonly ChartSeries[], options: ChartOptions = {}): string {
  const width = Math.max(20, (options.width ?? 80) - Y_LABEL_WIDTH - 2);
  const height = Math.max(3, options.height ?? 12);
  const finite = series
    .map((line) => ({ name: line.name, points: line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }))
    .filter((line) => line.points.length > 0);
  if (finite.length === 0) return '';
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const line of finite)
    for (const [x] of line.points) {
      if (x < low) low = x;
      if (x > high) high = x;
    }
  const lines = finite.map((line) => thin(line.points, low, high, width));
  // A single point is drawn as a short flat line, which the plotter needs two points for.
  const drawn = lines.map((points) =>
    points.length === 1 ? [points[0] as [number, number], [(points[0]?.[0] ?? 0) + 1e-9, points[0]?.[1] ?? 0] as [number, number]] : points,
  );
  return plot(drawn, {
    width,
    height,
    ...(options.color && { color: finite.map((_, index) => COLORS[index % COLORS.length] as Color) }),
    ...(options.title && { title: options.title }),
    xLabel: options.xLabel ?? 'step',
    legend: { position: 'bottom', series: finite.map((line) => line.name) },
    customXAxisTicks: ticks(low, high, Math.max(2, Math.floor(width / 12))),
    formatter: (value, { axis }) => (axis === 'x' ? compact(value) : label(value)),
  });
}

/** At most `columns` points: the mean x and y of the points falling in each column. */
function thin(points: ReadonlyArray<readonly [number, number]>, low: number, high: number, columns: number): [number, number][] {
  if (points.length <= columns) return points.map(([x, y]) => [x, y]);
  const span = high - low || 1;
  const sums = new Map<number, [number, number, number]>();
  for (const [x, y] of points) {
    const column = Math.min(columns - 1, Math.floor(((x - low) / span) * columns));
    const sum = sums.get(column) ?? [0, 0, 0];
    sums.set(column, [sum[0] + x, sum[1] + y, sum[2] + 1]);
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([, [x, y, count]]) => [x / count, y / count]);
}

/** Up to `count` round tick values between `low` and `high`. */
function ticks(low: number, high: number, count: number): number[] {
  if (high === low) return [low];
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
  const result: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high; value += step) result.push(Number(value.toPrecision(12)));
  return result;
}

function compact(value: number): string {
  const size = Math.abs(value);
  if (size >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (size >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function label(value: number): string {
  const size = Math.abs(value);
  const text = size !== 0 && (size >= 1e5 || size < 1e-3) ? value.toExponential(1) : String(Number(value.toPrecision(4)));
  return text.slice(0, Y_LABEL_WIDTH - 1);
}
