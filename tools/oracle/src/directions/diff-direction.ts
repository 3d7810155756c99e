import { request } from 'node:http';
import type { ServiceDefinition } from '@trainwire/core';
import { compareShapes } from '../compare/compare-shapes.js';
import { shapeOf } from '../compare/json-shape.js';
import type { Bindings } from '../compare/sample-value.js';
import type { Row, ServiceName } from '../report/outcome.js';
import { defectsFor, showsSymptom, type UpstreamDefect } from '../report/upstream-defects.js';
import type { DiffCase, PlannedRequest } from './diff-plan.js';

/** One side of the differential run: where it is, how to authenticate, and what it has bound so far. */
export interface DiffSide {
  baseURL: string;
  headers: Record<string, string>;
  bindings: Bindings;
}

/** An answer as the comparison needs it. */
interface Answer {
  status: number;
  contentType: string;
  json?: unknown;
  text: string;
}

/**
 * Send each planned request to the real server and to the mock, in the plan's order, and compare
 * what comes back: the status, then (for JSON) the shape of the body against each other, read with
 * the spec's schema for that status. A difference is a fail unless a reviewed upstream defect says
 * the real server answers that way.
 */
export async function runDiff(
  service: ServiceName,
  definition: ServiceDefinition,
  cases: readonly DiffCase[],
  sides: { real: DiffSide; mock: DiffSide },
  defects: readonly UpstreamDefect[],
  userData: ReadonlySet<string> = new Set(),
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const item of cases) {
    const started = performance.now();
    const realRequest = item.build(sides.real.bindings);
    const mockRequest = item.build(sides.mock.bindings);
    const [real, mock] = await Promise.all([send(sides.real, realRequest), send(sides.mock, mockRequest)]);
    for (const [side, answer] of [
      [sides.real, real],
      [sides.mock, mock],
    ] as const) {
      if (item.capture && answer.status < 300 && answer.json !== undefined)
        Object.assign(side.bindings, item.capture(answer.json, side.bindings));
    }
    const row: Row = {
      service,
      direction: 'diff',
      call: item.call,
      verdict: 'pass',
      milliseconds: Math.round(performance.now() - started),
    };
    const differences = judge(item, definition, real, mock, userData);
    const listed = defectsFor(defects, service, 'diff', item.call);
    const met = listed.find(({ meeting }) => showsSymptom(meeting.symptom, { status: real.status, message: real.text }));
    if (met) {
      row.verdict = 'upstream';
      row.reason = `${met.defect.id}: real ${real.status}, mock ${mock.status}`;
    } else if (differences.length > 0) {
      row.verdict = 'fail';
      row.reason = differences[0];
      row.details = [
        ...differences,
        `real: ${realRequest.method} ${realRequest.path} → ${real.status} ${real.text.slice(0, 300)}`,
        `mock: ${mockRequest.method} ${mockRequest.path} → ${mock.status} ${mock.text.slice(0, 300)}`,
      ];
    }
    rows.push(row);
  }
  return rows;
}

/** Every difference between the two answers, one line each; the first is the row's reason. */
function judge(item: DiffCase, definition: ServiceDefinition, real: Answer, mock: Answer, userData: ReadonlySet<string>): string[] {
  if (real.status !== mock.status) {
    return [`status: real ${real.status}, mock ${mock.status} (real: ${brief(real)}; mock: ${brief(mock)})`];
  }
  const realJson = real.json !== undefined;
  const mockJson = mock.json !== undefined;
  if (realJson !== mockJson) return [`body: real ${real.contentType || 'no content-type'}, mock ${mock.contentType || 'no content-type'}`];
  if (!realJson) {
    const family = (type: string) => type.split(';')[0]?.trim() ?? '';
    return family(real.contentType) === family(mock.contentType)
      ? []
      : [`content-type: real ${real.contentType}, mock ${mock.contentType}`];
  }
  const schema = item.operation.responses[String(real.status)]?.schema;
  const differences = compareShapes(shapeOf(real.json), shapeOf(mock.json), { schema, schemas: definition.schemas, userData });
  if (differences.length === 0) return [];
  const first = differences.slice(0, 3).map((difference) => `${difference.path} ${difference.what}`);
  const more = differences.length > 3 ? ` (+${differences.length - 3} more)` : '';
  return [
    `shape (${real.status}): ${first.join('; ')}${more}`,
    ...differences.map((difference) => `${difference.path}: ${difference.what}`),
  ];
}

function brief(answer: Answer): string {
  return answer.text.replace(/\s+/g, ' ').slice(0, 120) || '(empty)';
}

/**
 * Send one request on a connection of its own: the real TenSafe server drops a keep-alive connection
 * after each unhandled 500 (a listed upstream defect), which must not turn the next route's answer
 * into a connection error.
 */
async function send(side: DiffSide, planned: PlannedRequest): Promise<Answer> {
  const url = new URL(side.baseURL.replace(/\/$/, '') + planned.path);
  for (const [name, value] of Object.entries(planned.query)) url.searchParams.set(name, value);
  const headers: Record<string, string> = { accept: 'application/json', ...side.headers };
  let body: Buffer | undefined;
  if (planned.body !== undefined) {
    // Let fetch's Request serialize the body (a FormData gets its multipart boundary), then send the bytes.
    const encoded = new Request(url, {
      method: 'POST',
      body: planned.body instanceof FormData ? planned.body : JSON.stringify(planned.body),
      headers: planned.body instanceof FormData ? {} : { 'content-type': 'application/json' },
    });
    body = Buffer.from(await encoded.arrayBuffer());
    headers['content-type'] = encoded.headers.get('content-type') ?? 'application/json';
    headers['content-length'] = String(body.byteLength);
  }
  return new Promise((resolve) => {
    const outgoing = request(url, { method: planned.method, headers, agent: false, timeout: 60_000 }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (error) => resolve({ status: 0, contentType: '', text: `no answer: ${error.message}` }));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = String(incoming.headers['content-type'] ?? '');
        let json: unknown;
        if (/json/i.test(contentType) && text !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        resolve({ status: incoming.statusCode ?? 0, contentType, json, text });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer in 60 s')));
    outgoing.on('error', (error) => resolve({ status: 0, contentType: '', text: `no answer: ${error.message}` }));
    outgoing.end(body);
  });
}
