import { readFileSync } from 'node:fs';

/** The `version` of the package.json at `url` (relative to the caller's `import.meta.url`), for `--version`. */
export function readPackageVersion(url: URL): string {
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
