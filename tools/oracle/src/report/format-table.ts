import type { Row } from './outcome.js';

const LABEL = { pass: 'pass', fail: 'FAIL', upstream: 'upstream defect' } as const;
const DIRECTION = { ts: 'ts → real', py: 'py → sandbox', diff: 'real ↔ mock' } as const;

/** The one table: call × direction → pass / FAIL / upstream defect, with a one-line reason for each non-pass. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['direction', 'service', 'call', 'result', 'reason'];
  const cells = rows.map((row) => [DIRECTION[row.direction], row.service, row.call, LABEL[row.verdict], oneLine(row.reason ?? '')]);
  const widths = header.slice(0, 4).map((title, column) => Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)));
  const line = (cell: string[]) =>
    cell
      .map((text, column) => (column < 4 ? text.padEnd(widths[column] as number) : text))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width)).concat('------')), ...cells.map(line)].join('\n');
}

/** The same table in Markdown, for FINDINGS.md. */
export function formatMarkdownTable(rows: readonly Row[]): string {
  const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');
  return [
    '| direction | service | call | result | reason |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${DIRECTION[row.direction]} | ${row.service} | \`${cell(row.call)}\` | ${LABEL[row.verdict]} | ${cell(row.reason ?? '')} |`,
    ),
  ].join('\n');
}

/** `pass 80, FAIL 21, upstream defect 9 (of 110)` */
export function formatCounts(rows: readonly Row[]): string {
  const count = (verdict: Row['verdict']) => rows.filter((row) => row.verdict === verdict).length;
  return `pass ${count('pass')}, FAIL ${count('fail')}, upstream defect ${count('upstream')} (of ${rows.length})`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 240 ? `${flat.slice(0, 237)}...` : flat;
}
