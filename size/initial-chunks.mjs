// What a one-call import costs in a browser app built by Vite 8: its bundler, Rolldown, with code
// splitting and minification, as `vite build` runs it. Counted: the gzip of the chunks a page loads
// before its first line runs (the entry and every chunk it imports statically). Listed, not
// counted: the chunks loaded by a dynamic import on first use (error classes, redirect hops, the
// JSON-schema interpreter and the spec's schemas).
//
// `size-limit` (esbuild, one file, no splitting) cannot see a module that a bundler with splitting
// keeps in the first chunk because it is imported both statically and lazily; this check can.
// Usage: node size/initial-chunks.mjs  (after `npm run build`; limits in size/initial-chunks.json)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { entries } = JSON.parse(readFileSync(path.join(root, 'size', 'initial-chunks.json'), 'utf8'));
// Inside the repository, so that the entry resolves the workspace packages as an app would.
const scratch = path.join(root, 'node_modules', '.cache', 'initial-chunks');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

const gzip = (code) => gzipSync(code, { level: 9 }).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

/** The initial and lazy gzip sizes of `import { names } from specifier` built for a browser. */
export async function measure(specifier, names, directory = scratch) {
  const file = path.join(directory, `${names.join('-')}-${specifier.replace(/\W+/g, '-')}.js`);
  writeFileSync(file, `import { ${names.join(', ')} } from '${specifier}';\nconsole.log(${names.join(', ')});\n`);
  const bundle = await rolldown({ input: file, platform: 'browser', logLevel: 'silent' });
  const { output } = await bundle.generate({ format: 'esm', minify: true });
  await bundle.close();
  const chunks = new Map(output.filter((item) => item.type === 'chunk').map((chunk) => [chunk.fileName, chunk]));
  const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
  const initial = new Set();
  for (const pending = [entry.fileName]; pending.length > 0; ) {
    const name = pending.pop();
    if (initial.has(name)) continue;
    initial.add(name);
    pending.push(...chunks.get(name).imports);
  }
  // One gzip stream over the initial chunks, as the one-file figures of size-limit are.
  const initialBytes = gzip([...initial].map((name) => chunks.get(name).code).join('\n'));
  const lazy = [...chunks.values()].filter((chunk) => !initial.has(chunk.fileName));
  const lazyBytes = lazy.reduce((sum, chunk) => sum + gzip(chunk.code), 0);
  const modules = [...initial].flatMap((name) => Object.keys(chunks.get(name).modules));
  return { initialBytes, lazyBytes, lazyChunks: lazy.length, modules };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let over = 0;
  for (const { name, specifier, import: names, limit, mustNotLoad = [] } of entries) {
    const { initialBytes, lazyBytes, lazyChunks, modules } = await measure(specifier, names);
    const limitBytes = Math.round(Number.parseFloat(limit) * 1000);
    const loaded = mustNotLoad.filter((pattern) => modules.some((module) => module.includes(pattern)));
    const verdict = initialBytes > limitBytes || loaded.length > 0 ? 'OVER' : 'ok';
    if (verdict !== 'ok') over++;
    console.log(
      `${verdict.padEnd(4)} ${name}: ${kB(initialBytes)} first load (limit ${limit}); ${lazyChunks} lazy chunks, ${kB(lazyBytes)}` +
        (loaded.length > 0 ? `; in the first load but must not be: ${loaded.join(', ')}` : ''),
    );
  }
  rmSync(scratch, { recursive: true, force: true });
  if (over > 0) {
    console.error(`${over} of ${entries.length} imports over their limit (size/initial-chunks.json)`);
    process.exitCode = 1;
  }
}
