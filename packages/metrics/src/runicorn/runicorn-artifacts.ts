import { APIPromise, InvalidRequestError, type RequestOptions, type WithResponse } from '@trainwire/core';
import type { RunicornCaller } from './runicorn-caller.js';
import { checkCount, checkKeys, checkText } from './runicorn-checks.js';
import { copyArtifactFiles } from './runicorn-download.js';
import { NotFoundError, RunicornAPIError, type UnsafeArtifactFileError } from './runicorn-errors.js';
import type { Artifact, ArtifactFiles, ArtifactLineage, ArtifactListItem, ArtifactVersion, ExperimentArtifacts } from './runicorn-types.js';

/** An artifact reference split into its name and what selects the version. */
export interface ArtifactReference {
  name: string;
  /** A version number, or an alias (`latest`, `production`) to look up. */
  version: number | string;
}

// The order in which the viewer looks for an artifact's type folder when a route is given no type.
const TYPE_SEARCH_ORDER = ['model', 'dataset', 'config', 'code', 'custom'];

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
  if (!Number.isSafeInteger(version))
    throw new InvalidRequestError('artifact_id', `the version is too large, got ${JSON.stringify(artifactId)}`);
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
  listArtifacts(query: { type?: string; limit?: number; offset?: number } = {}, options?: RequestOptions): APIPromise<ArtifactListItem[]> {
    return APIPromise.try(() => {
      checkKeys('query', query, ['type', 'limit', 'offset']);
      const { limit, offset = 0, type } = query ?? {};
      checkCount('limit', limit, 1);
      checkCount('offset', offset, 0);
      return this.#call
        .request('get', '/api/artifacts', { params: { query: type === undefined ? {} : { type } } }, options)
        .map((all) => all.slice(offset, limit === undefined ? undefined : offset + limit));
    });
  }

  /**
   * Every version of the artifact `name`, newest first (the viewer lists them oldest first);
   * `NotFoundError` when there is no such artifact.
   */
  listVersions(name: string, query: { type?: string } = {}, options?: RequestOptions): APIPromise<ArtifactVersion[]> {
    return APIPromise.try(() => {
      checkText('name', name);
      checkKeys('query', query, ['type']);
      return this.#call
        .request(
          'get',
          '/api/artifacts/{artifact_name}/versions',
          { params: { path: { artifact_name: name }, query: query ?? {} } },
          options,
        )
        .map((versions) => [...versions].sort((left, right) => right.version - left.version));
    });
  }

  /** One version in detail: `getArtifact('my-model:v3')`, `'my-model:3'`, `'my-model:latest'` or `'my-model'`. */
  getArtifact(artifactId: string, query: { type?: string } = {}, options?: RequestOptions): APIPromise<Artifact> {
    return APIPromise.from(async () => {
      checkKeys('query', query, ['type']);
      const { name, version } = await this.resolve(artifactId, query?.type, options);
      return this.#call
        .request(
          'get',
          '/api/artifacts/{artifact_name}/v{version}',
          { params: { path: { artifact_name: name, version }, query: query ?? {} } },
          options,
        )
        .withResponse();
    });
  }

  /** The files of a version (`absolute_path` is on the viewer host). */
  listArtifactFiles(artifactId: string, query: { type?: string } = {}, options?: RequestOptions): APIPromise<ArtifactFiles> {
    return APIPromise.from(async () => {
      checkKeys('query', query, ['type']);
      const { name, version } = await this.resolve(artifactId, query?.type, options);
      return this.#call
        .request(
          'get',
          '/api/artifacts/{artifact_name}/v{version}/files',
          { params: { path: { artifact_name: name, version }, query: query ?? {} } },
          options,
        )
        .withResponse();
    });
  }

  /** The lineage graph around a version, `max_depth` hops deep (the viewer's default is 3). */
  getArtifactLineage(
    artifactId: string,
    query: { type?: string; max_depth?: number } = {},
    options?: RequestOptions,
  ): APIPromise<ArtifactLineage> {
    return APIPromise.from(async () => {
      checkKeys('query', query, ['type', 'max_depth']);
      const { name, version } = await this.resolve(artifactId, query?.type, options);
      return this.#call
        .request(
          'get',
          '/api/artifacts/{artifact_name}/v{version}/lineage',
          { params: { path: { artifact_name: name, version }, query: query ?? {} } },
          options,
        )
        .withResponse();
    });
  }

  /** The artifacts a run created and used. */
  listExperimentArtifacts(runId: string, options?: RequestOptions): APIPromise<ExperimentArtifacts> {
    return APIPromise.try(() => {
      checkText('run_id', runId);
      return this.#call.request('get', '/api/runs/{run_id}/artifacts', { params: { path: { run_id: runId } } }, options);
    });
  }

  /**
   * Copy a version's files into `targetDir` (Node only; the Python client raised NotImplementedError)
   * and return the paths written. The viewer serves no file bytes, so this works with a viewer on this
   * machine: it copies from the version's own storage folder, and refuses the whole listing with
   * {@link UnsafeArtifactFileError} before copying anything when a file would come from elsewhere.
   * `.withResponse()` gives the response of the file listing.
   */
  downloadArtifact(artifactId: string, targetDir: string, query: { type?: string } = {}, options?: RequestOptions): APIPromise<string[]> {
    return APIPromise.from(() => this.#downloadArtifact(artifactId, targetDir, query, options));
  }

  async #downloadArtifact(
    artifactId: string,
    targetDir: string,
    query: { type?: string },
    options?: RequestOptions,
  ): Promise<WithResponse<string[]>> {
    checkText('target_dir', targetDir);
    checkKeys('query', query, ['type']);
    const { name, version } = await this.resolve(artifactId, query?.type, options);
    const params = { params: { path: { artifact_name: name, version }, query: query ?? {} } };
    const [type, listed, config] = await Promise.all([
      query?.type ?? this.typeOf(name, options),
      this.#call.request('get', '/api/artifacts/{artifact_name}/v{version}/files', params, options).withResponse(),
      this.#call.request('get', '/api/config', {}, options),
    ]);
    const listing = listed.data;
    if (listing.is_remote || listing.files.some((file) => file.is_remote)) {
      throw new RunicornAPIError(`${listing.artifact} is stored on a remote host; download it there (the viewer serves no file bytes).`);
    }
    return { ...listed, data: await copyArtifactFiles(listing, { name, type, version, storage: config.storage }, targetDir) };
  }

  /**
   * The type folder the viewer keeps `name` in, read from the artifact list (the version detail
   * answers 500 once the viewer's own promote or evaluate routes rewrote its metadata).
   */
  private async typeOf(name: string, options?: RequestOptions): Promise<string> {
    const found = (await this.listArtifacts({}, options)).filter((artifact) => artifact.name === name);
    const rank = (type: string) => {
      const index = TYPE_SEARCH_ORDER.indexOf(type);
      return index < 0 ? TYPE_SEARCH_ORDER.length : index;
    };
    const first = found.sort((left, right) => rank(left.type) - rank(right.type))[0];
    if (!first) throw new RunicornAPIError(`${name} is not in the viewer's artifact list`);
    return first.type;
  }

  /**
   * Turn an artifact id into a name and a version number. `latest` (and a bare name) is the newest
   * version: the viewer leaves a stale `latest` on every version it lists, so aliases cannot say it.
   * Another alias is the newest version listed with it, else the newest whose metadata carries it
   * (the viewer's promote route writes `production` only there, read through the creating run).
   */
  private async resolve(
    artifactId: string,
    type: string | undefined,
    options?: RequestOptions,
  ): Promise<{ name: string; version: number }> {
    const reference = parseArtifactId(artifactId);
    if (typeof reference.version === 'number') return { name: reference.name, version: reference.version };
    const { name, version: alias } = reference;
    const versions = await this.listVersions(name, type === undefined ? {} : { type }, options);
    const match =
      alias === 'latest'
        ? versions[0]?.version
        : (versions.find((item) => item.aliases.includes(alias))?.version ??
          (await this.versionFromMetadata(name, alias, versions, type, options)));
    if (match === undefined) throw new InvalidRequestError('artifact_id', `${name} has no version with the alias ${JSON.stringify(alias)}`);
    return { name, version: match };
  }

  /** The newest version whose metadata aliases include `alias`, as the runs that created the versions report them. */
  private async versionFromMetadata(
    name: string,
    alias: string,
    versions: ArtifactVersion[],
    type: string | undefined,
    options?: RequestOptions,
  ): Promise<number | undefined> {
    const runs = [
      ...new Set(versions.map((item) => item.created_by_run).filter((run): run is string => typeof run === 'string' && run !== '')),
    ];
    let newest: number | undefined;
    for (const run of runs) {
      const related = await this.listExperimentArtifacts(run, options).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined; // the run was deleted; its versions remain
        throw error;
      });
      for (const item of related?.created ?? []) {
        const sameArtifact = item.name === name && (type === undefined || item.type === type);
        if (sameArtifact && item.aliases.includes(alias) && (newest === undefined || item.version > newest)) newest = item.version;
      }
    }
    return newest;
  }
}
