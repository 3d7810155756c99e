import { InvalidRequestError, type RequestOptions } from '@trainwire/core';
import type { RunicornCaller } from './runicorn-caller.js';
import { checkCount, checkText } from './runicorn-checks.js';
import { RunicornAPIError } from './runicorn-errors.js';
import { loadNodeFileSystem } from './runicorn-node.js';
import type { Artifact, ArtifactFiles, ArtifactLineage, ArtifactListItem, ArtifactVersion, ExperimentArtifacts } from './runicorn-types.js';

/** An artifact reference split into its name and what selects the version. */
export interface ArtifactReference {
  name: string;
  /** A version number, or an alias (`latest`, `production`) to look up. */
  version: number | string;
}

const ID_FORMAT = 'must be "name", "name:vN", "name:N" or "name:alias"';

/** Parse `name:vN`, `name:N`, `name:alias` or `name` (the latest version) into its parts. */
export function parseArtifactId(artifactId: string): ArtifactReference {
  checkText('artifact_id', artifactId);
  const colon = artifactId.lastIndexOf(':');
  const name = colon < 0 ? artifactId : artifactId.slice(0, colon);
  const selector = colon < 0 ? 'latest' : artifactId.slice(colon + 1);
  if (!name || !selector) throw new InvalidRequestError('artifact_id', `${ID_FORMAT}, got ${JSON.stringify(artifactId)}`);
  const numbered = /^v?(\d+)$/.exec(selector);
  if (!numbered) return { name, version: selector };
  const version = Number(numbered[1]);
  if (version < 1) throw new InvalidRequestError('artifact_id', `versions start at v1, got ${JSON.stringify(artifactId)}`);
  return { name, version };
}

/** `client.artifacts`: the documented Artifacts API over the viewer's real `/api/artifacts` routes. */
export class ArtifactsAPI {
  readonly #call: RunicornCaller;

  constructor(call: RunicornCaller) {
    this.#call = call;
  }

  /** Every artifact (of one `type`), newest first. The viewer ignores paging, so `limit`/`offset` slice here. */
  async listArtifacts(
    query: { type?: string; limit?: number; offset?: number } = {},
    options?: RequestOptions,
  ): Promise<ArtifactListItem[]> {
    const { limit, offset = 0, type } = query;
    checkCount('limit', limit, 1);
    checkCount('offset', offset, 0);
    const all = await this.#call.request('get', '/api/artifacts', { params: { query: type === undefined ? {} : { type } } }, options);
    return all.slice(offset, limit === undefined ? undefined : offset + limit);
  }

  /** Every version of the artifact `name`, newest first; `NotFoundError` when there is no such artifact. */
  listVersions(name: string, query: { type?: string } = {}, options?: RequestOptions): Promise<ArtifactVersion[]> {
    checkText('name', name);
    return this.#call.request(
      'get',
      '/api/artifacts/{artifact_name}/versions',
      { params: { path: { artifact_name: name }, query } },
      options,
    );
  }

  /** One version in detail: `getArtifact('my-model:v3')`, `'my-model:3'`, `'my-model:latest'` or `'my-model'`. */
  async getArtifact(artifactId: string, query: { type?: string } = {}, options?: RequestOptions): Promise<Artifact> {
    const { name, version } = await this.resolve(artifactId, query.type, options);
    return this.#call.request(
      'get',
      '/api/artifacts/{artifact_name}/v{version}',
      { params: { path: { artifact_name: name, version }, query } },
      options,
    );
  }

  /** The files of a version (`absolute_path` is on the viewer host). */
  async listArtifactFiles(artifactId: string, query: { type?: string } = {}, options?: RequestOptions): Promise<ArtifactFiles> {
    const { name, version } = await this.resolve(artifactId, query.type, options);
    return this.#call.request(
      'get',
      '/api/artifacts/{artifact_name}/v{version}/files',
      { params: { path: { artifact_name: name, version }, query } },
      options,
    );
  }

  /** The lineage graph around a version, `max_depth` hops deep (the viewer's default is 3). */
  async getArtifactLineage(
    artifactId: string,
    query: { type?: string; max_depth?: number } = {},
    options?: RequestOptions,
  ): Promise<ArtifactLineage> {
    const { name, version } = await this.resolve(artifactId, query.type, options);
    return this.#call.request(
      'get',
      '/api/artifacts/{artifact_name}/v{version}/lineage',
      { params: { path: { artifact_name: name, version }, query } },
      options,
    );
  }

  /** The artifacts a run created and used. */
  listExperimentArtifacts(runId: string, options?: RequestOptions): Promise<ExperimentArtifacts> {
    checkText('run_id', runId);
    return this.#call.request('get', '/api/runs/{run_id}/artifacts', { params: { path: { run_id: runId } } }, options);
  }

  /**
   * Copy a version's files into `targetDir` (Node only; the Python client raised NotImplementedError).
   * The viewer serves no file bytes, so this works with a viewer on this machine: it copies from the
   * `absolute_path`s the viewer reports. Returns the paths written.
   */
  async downloadArtifact(
    artifactId: string,
    targetDir: string,
    query: { type?: string } = {},
    options?: RequestOptions,
  ): Promise<string[]> {
    checkText('target_dir', targetDir);
    const { fs, path } = await loadNodeFileSystem('artifacts.downloadArtifact');
    const listing = await this.listArtifactFiles(artifactId, query, options);
    if (listing.is_remote || listing.files.some((file) => file.is_remote)) {
      throw new RunicornAPIError(`${listing.artifact} is stored on a remote host; download it there (the viewer serves no file bytes).`);
    }
    const root = path.resolve(targetDir);
    // Check every path before copying any: a manifest path like ../../etc/passwd must not escape the folder.
    const copies = listing.files.map((file) => {
      const target = path.resolve(root, file.path);
      if (!target.startsWith(root + path.sep))
        throw new RunicornAPIError(`${listing.artifact} lists a file outside its folder: ${file.path}`);
      if (!file.absolute_path) throw new RunicornAPIError(`${listing.artifact}: the viewer gave no absolute_path for ${file.path}`);
      return { source: file.absolute_path, target };
    });
    const written: string[] = [];
    for (const { source, target } of copies) {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(source, target);
      written.push(target);
    }
    return written;
  }

  /** Turn an artifact id into a name and a version number, looking an alias up in the version list. */
  private async resolve(
    artifactId: string,
    type: string | undefined,
    options?: RequestOptions,
  ): Promise<{ name: string; version: number }> {
    const reference = parseArtifactId(artifactId);
    if (typeof reference.version === 'number') return { name: reference.name, version: reference.version };
    const versions = await this.listVersions(reference.name, type === undefined ? {} : { type }, options);
    const alias = reference.version;
    const match =
      versions.find((item) => item.aliases.includes(alias)) ??
      (alias === 'latest'
        ? versions.reduce<ArtifactVersion | undefined>((best, item) => (!best || item.version > best.version ? item : best), undefined)
        : undefined);
    if (!match) throw new InvalidRequestError('artifact_id', `${reference.name} has no version with the alias ${JSON.stringify(alias)}`);
    return { name: reference.name, version: match.version };
  }
}
