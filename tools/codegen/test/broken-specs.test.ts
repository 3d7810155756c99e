import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, positionOf, type RunResult, readFixture, type Workspace } from './workspace.js';

const VALID_OUTPUT = 'packages/valid/src/generated/valid.ts';
const PREVIOUS = '// the previous output, which a failing spec must not touch\nexport {};\n';

/** A broken fixture, where its error must be reported, and why. */
interface BrokenCase {
  readonly fixture: string;
  readonly rule: string;
  readonly reason: string;
  /** The text the error points at, and optionally a text it comes after (for repeated markers). */
  readonly marker: string;
  readonly after?: string;
}

const CASES: readonly BrokenCase[] = [
  { fixture: 'invalid-yaml.yaml', rule: 'yaml-syntax', reason: 'bad indentation', marker: 'content: {}' },
  {
    fixture: 'bad-ref.yaml',
    rule: 'no-unresolved-refs',
    reason: "Can't resolve $ref",
    marker: "$ref: '#/components/schemas/Thingz'",
  },
  {
    fixture: 'duplicate-operation-id.yaml',
    rule: 'operation-operationId-unique',
    reason: 'Every operation must have a unique `operationId`.',
    marker: 'operationId: getThing',
    after: '/things/{id}:',
  },
  {
    fixture: 'bad-pagination-style.yaml',
    rule: 'x-pagination',
    reason: "style must be one of offset, page, cursor, none (got 'links')",
    marker: 'links',
  },
  {
    fixture: 'bad-pagination-param.yaml',
    rule: 'x-pagination',
    reason: "limitParam 'page_size' is not a query parameter of this operation",
    marker: 'page_size',
  },
  {
    fixture: 'bad-long-running.yaml',
    rule: 'x-long-running',
    reason: "poll 'getJobStatus' is not the operationId of any operation",
    marker: 'getJobStatus',
  },
  {
    fixture: 'bad-long-running.yaml',
    rule: 'x-idempotent',
    reason: "must be true or false (got 'yes')",
    marker: "'yes'",
  },
  {
    fixture: 'bad-long-running.yaml',
    rule: 'x-idempotency-header',
    reason: "must be an HTTP header name (got 'X Idempotency Key')",
    marker: "'X Idempotency Key'",
  },
];

const FIXTURES = [...new Set(CASES.map(({ fixture }) => fixture))];
const outputOf = (fixture: string): string => `packages/broken/src/generated/${fixture.replace('.yaml', '.ts')}`;

let workspace: Workspace;
let result: RunResult;

beforeAll(async () => {
  workspace = await createWorkspace([
    { name: 'valid', fixture: 'valid-service.yaml', output: VALID_OUTPUT },
    ...FIXTURES.map((fixture) => ({ name: fixture.replace('.yaml', ''), fixture, output: outputOf(fixture) })),
  ]);
  for (const fixture of FIXTURES) await workspace.write(outputOf(fixture), PREVIOUS);
  result = await workspace.run();
});

afterAll(() => workspace.remove());

describe('a config with broken specs', () => {
  it('exits 1 and still generates the good spec', async () => {
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`written: ${VALID_OUTPUT}`);
    expect(result.stdout).toContain(`1 written, 0 unchanged, ${FIXTURES.length} failed`);
    expect(await workspace.read(VALID_OUTPUT)).toContain('export const service: ServiceDefinition = {');
  });

  it.each(FIXTURES)('%s: its previous output stays byte-identical', async (fixture) => {
    expect(result.stderr).toContain(`failed: specs/${fixture} has errors; ${outputOf(fixture)} was left as it was`);
    expect(await workspace.read(outputOf(fixture))).toBe(PREVIOUS);
  });

  it.each(CASES)('$fixture: reports $rule at the line and column of the mistake', async (broken) => {
    const { line, col } = positionOf(await readFixture(broken.fixture), broken.marker, broken.after);
    expect(result.stderr).toContain(`specs/${broken.fixture}:${line}:${col}: error ${broken.rule}: ${broken.reason}`);
  });

  it('fails --check for a broken spec, and runs only the named entries', async () => {
    const check = await workspace.run('--check', 'bad-ref');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('error no-unresolved-refs');
    expect(check.stderr).not.toContain('out of date');
    const named = await workspace.run('valid');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('1 spec, 0 written, 1 unchanged');
    expect(named.stderr).toBe('');
  });
});
