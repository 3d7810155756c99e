import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, runCli, type Workspace } from './workspace.js';

let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace([
    { name: 'valid', fixture: 'valid-service.yaml', output: 'out/valid.ts' },
    { name: 'bearer', fixture: 'bearer-service.yaml', output: 'out/bearer.ts' },
  ]);
});

afterAll(() => workspace.remove());

describe('the command line', () => {
  it('rejects an unknown name with exit 2, listing the known ones', async () => {
    const result = await workspace.run('valid', 'tinker');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown spec name 'tinker'; known: valid, bearer");
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown option with exit 2 and the usage', async () => {
    const result = await workspace.run('--force');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--force'");
    expect(result.stderr).toContain('Usage: trainwire-codegen [names...] [--check] [--config <file>]');
  });

  it('rejects a config that is not valid, with exit 2', async () => {
    await workspace.write('tools/codegen/broken.json', '{ "specs": [ { "name": "x", "spec": "../x.yaml", "output": "x.ts" } ] }');
    const result = await runCli(['--config', 'tools/codegen/broken.json'], workspace.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('specs[0].spec must be a relative path inside the repository');
  });

  it('prints the usage for --help', async () => {
    const result = await runCli(['--help'], workspace.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--check');
  });

  it('runs with no specs configured', async () => {
    await workspace.write('tools/codegen/empty.json', '{ "specs": [] }\n');
    const result = await runCli(['--config', 'tools/codegen/empty.json', '--check'], workspace.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('trainwire-codegen --check: 0 specs, all outputs up to date\n');
  });
});
