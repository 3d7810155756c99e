import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, positionOf, readFixture, type Workspace } from './workspace.js';

const OUTPUT = 'out/warnings.ts';

let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace([{ name: 'warnings', fixture: 'warnings-only.yaml', output: OUTPUT }]);
});

afterAll(() => workspace.remove());

describe('a spec with warnings only', () => {
  it('prints the warnings with their location and still generates', async () => {
    const result = await workspace.run();
    const text = await readFixture('warnings-only.yaml');
    const operation = positionOf(text, 'get:');
    const unused = positionOf(text, 'Unused:');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `specs/warnings-only.yaml:${operation.line}:${operation.col}: warning operation-summary: Operation object should contain \`summary\` field.`,
    );
    expect(result.stderr).toContain(`specs/warnings-only.yaml:${unused.line}:${unused.col}: warning no-unused-components:`);
    expect(result.stdout).toContain(`written: ${OUTPUT}`);
    expect(await workspace.read(OUTPUT)).toContain("'GET /things': {");
  });
});
