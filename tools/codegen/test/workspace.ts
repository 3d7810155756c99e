import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = path.resolve(packageRoot, '..', '..');
const fixtures = path.join(packageRoot, 'test', 'fixtures');
const bin = path.join(packageRoot, 'bin', 'trainwire-codegen.js');

/** One entry of a test config: a fixture file name and the output path (relative to the root). */
export interface WorkspaceEntry {
  readonly name: string;
  readonly fixture: string;
  readonly output: string;
  /** The config entry's `standalone`. */
  readonly standalone?: boolean;
}

/** What the CLI printed and how it exited. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throw-away repository root: fixtures under `specs/`, the real `redocly.yaml`, a codegen config. */
export interface Workspace {
  readonly root: string;
  readonly configFile: string;
  run(...args: string[]): Promise<RunResult>;
  read(relative: string): Promise<string>;
  write(relative: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

/** Creates a workspace whose config lists `entries` (specs copied from test/fixtures). */
export async function createWorkspace(entries: readonly WorkspaceEntry[]): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'trainwire-codegen-'));
  await mkdir(path.join(root, 'specs'));
  await mkdir(path.join(root, 'tools', 'codegen'), { recursive: true });
  await copyFile(path.join(repositoryRoot, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
  for (const entry of entries) {
    await copyFile(path.join(fixtures, entry.fixture), path.join(root, 'specs', entry.fixture));
  }
  const specs = entries.map(({ name, fixture, output, standalone }) => ({
    name,
    spec: `specs/${fixture}`,
    output,
    ...(standalone && { standalone }),
  }));
  const configFile = path.join(root, 'tools', 'codegen', 'codegen.config.json');
  await writeFile(configFile, `${JSON.stringify({ specs }, null, 2)}\n`);
  const resolve = (relative: string): string => path.join(root, relative);
  return {
    root,
    configFile,
    run: (...args) => runCli(['--config', configFile, ...args], root),
    read: (relative) => readFile(resolve(relative), 'utf8'),
    write: async (relative, content) => {
      await mkdir(path.dirname(resolve(relative)), { recursive: true });
      await writeFile(resolve(relative), content);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Runs the compiled `trainwire-codegen` bin as a child process. */
export function runCli(args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The text of a fixture. */
export function readFixture(fixture: string): Promise<string> {
  return readFile(path.join(fixtures, fixture), 'utf8');
}

/** The 1-based line and column where `marker` first appears in `text` (column of the marker's start). */
export function positionOf(text: string, marker: string, after = ''): { line: number; col: number } {
  const start = after === '' ? 0 : text.indexOf(after);
  const index = text.indexOf(marker, start);
  if (start === -1 || index === -1) throw new Error(`marker ${JSON.stringify(marker)} not found`);
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}
