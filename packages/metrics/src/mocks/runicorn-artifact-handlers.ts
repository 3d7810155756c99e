import { HttpResponse } from 'msw';
import type { components } from '../generated/runicorn.js';
import { buildLineage } from './runicorn-lineage.js';
import type { MockArtifact, MockArtifactVersion } from './runicorn-mock-data.js';
import { detail, type HandlerGroup, ParamReader } from './runicorn-mock-http.js';
import type { RunicornMockState } from './runicorn-state.js';

type Schemas = components['schemas'];

/** The artifact routes: list, stats, versions, one version, its files and lineage, delete, and a run's artifacts. */
export const artifactHandlers: HandlerGroup = ({ base, state, http }) => [
  http.get(`${base}/api/artifacts`, ({ request }) => {
    const type = new URL(request.url).searchParams.get('type');
    const items: Schemas['ArtifactListItem'][] = [];
    for (const artifact of state.artifacts.filter((item) => !type || item.type === type)) {
      const latest = artifact.versions.at(-1);
      if (!latest) continue;
      items.push({
        name: artifact.name,
        type: artifact.type,
        num_versions: artifact.versions.length,
        latest_version: latest.version,
        size_bytes: state.size(latest),
        created_at: artifact.created_at,
        updated_at: artifact.updated_at,
        aliases: { ...artifact.aliases },
      });
    }
    return HttpResponse.json(items.sort((left, right) => right.updated_at - left.updated_at));
  }),
  http.get(`${base}/api/artifacts/stats`, () => HttpResponse.json(stats(state))),
  http.get(`${base}/api/artifacts/:name/versions`, ({ params, request }) => {
    const type = new URL(request.url).searchParams.get('type');
    const artifact = state.artifact(params.name, type);
    if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}${type ? ` (type=${type})` : ''}`);
    return HttpResponse.json(
      artifact.versions.map((version) => ({
        version: version.version,
        created_at: version.created_at,
        created_by_run: version.created_by_run,
        size_bytes: state.size(version),
        num_files: version.files.length,
        status: version.status,
        aliases: [...version.aliases],
      })),
    );
  }),
  http.get(`${base}/api/artifacts/:name/:version`, ({ params, request }) => {
    const found = loadVersion(state, params.name, params.version, request);
    if (!found || found instanceof Response) return found;
    const { artifact, version } = found;
    return HttpResponse.json({
      name: artifact.name,
      type: artifact.type,
      version: version.version,
      created_at: version.created_at,
      updated_at: version.updated_at,
      created_by_run: version.created_by_run,
      created_by_user: null,
      size_bytes: state.size(version),
      num_files: version.files.length,
      num_references: 0,
      status: version.status,
      metadata: version.metadata,
      description: version.description,
      tags: version.tags,
      aliases: [...version.metadata_aliases],
      manifest_digest: version.manifest_digest,
    });
  }),
  http.get(`${base}/api/artifacts/:name/:version/files`, ({ params, request }) => {
    const found = loadVersion(state, params.name, params.version, request);
    if (!found || found instanceof Response) return found;
    const { artifact, version } = found;
    const size = state.size(version);
    return HttpResponse.json({
      artifact: `${artifact.name}:v${version.version}`,
      files: version.files.map((file) => ({ ...file, absolute_path: state.filePath(artifact, version, file.path), is_remote: false })),
      references: [],
      total_size: size,
      total_files: version.files.length,
      total_references: 0,
      is_remote: false,
    });
  }),
  http.get(`${base}/api/artifacts/:name/:version/lineage`, ({ params, request }) => {
    if (!isVersionSegment(params.version)) return undefined;
    const query = new ParamReader(request);
    const number = query.version(params.version) as number;
    const maxDepth = query.int('max_depth', { default: 3 }) ?? 3;
    const rejection = query.rejection();
    if (rejection) return rejection;
    const artifact = state.artifact(params.name, query.text('type'));
    if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}`);
    return HttpResponse.json(buildLineage(state, artifact, number, maxDepth));
  }),
  http.delete(`${base}/api/artifacts/:name/:version`, ({ params, request }) => {
    if (!isVersionSegment(params.version)) return undefined;
    const query = new ParamReader(request);
    const number = query.version(params.version);
    const permanent = query.bool('permanent', false);
    const rejection = query.rejection();
    if (rejection) return rejection;
    const artifact = state.artifact(params.name, query.text('type'));
    if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}`);
    const version = artifact.versions.find((item) => item.version === number);
    if (!version) return detail(404, 'Version not found');
    if (permanent) removeVersion(artifact, version);
    else version.soft_deleted = true;
    const label = `${artifact.name}:v${version.version}`;
    return HttpResponse.json({ success: true, message: `${permanent ? 'Permanently deleted' : 'Soft deleted'} ${label} locally` });
  }),
  http.get(`${base}/api/runs/:runId/artifacts`, ({ params }) => {
    const run = state.run(params.runId);
    if (!run) return detail(404, `Run not found: ${String(params.runId)}`);
    return HttpResponse.json({
      created: run.artifacts_created.map((use) => state.summary(use)),
      used: run.artifacts_used.map((use) => state.summary(use)),
    });
  }),
];

/** Whether a path segment is `v{version}`; another one is left to the next handler (another route, or 404/405). */
const isVersionSegment = (segment: unknown) => String(segment).startsWith('v');

/**
 * `/api/artifacts/{name}/v{version}` as the viewer loads it: the version or the error it answers
 * (422 for a segment that is no integer, 404 for an unknown artifact or version, 500 below v1);
 * undefined when the segment is not `v...` (not this route).
 */
export function loadVersion(
  state: RunicornMockState,
  name: unknown,
  segment: unknown,
  request: Request,
): { artifact: MockArtifact; version: MockArtifactVersion } | Response | undefined {
  if (!isVersionSegment(segment)) return undefined;
  const params = new ParamReader(request);
  const number = params.version(segment) as number;
  const rejection = params.rejection();
  if (rejection) return rejection;
  const type = params.text('type');
  const artifact = state.artifact(name, type);
  if (!artifact) return detail(404, `Artifact not found: ${String(name)}${type ? ` (type=${type})` : ''}`);
  if (number <= 0) return detail(500, `Invalid version number: ${number}`);
  const version = artifact.versions.find((item) => item.version === number);
  if (!version) return detail(404, `Version not found: ${artifact.name}:v${number}`);
  return { artifact, version };
}

/** A permanent delete: the version leaves the index, its aliases with it, and `latest` moves to the last one left. */
function removeVersion(artifact: MockArtifact, version: MockArtifactVersion): void {
  artifact.versions.splice(artifact.versions.indexOf(version), 1);
  for (const [alias, number] of Object.entries(artifact.aliases)) if (number === version.version) delete artifact.aliases[alias];
  const last = artifact.versions.at(-1);
  if (!('latest' in artifact.aliases) && last) artifact.aliases.latest = last.version;
}

/** `GET /api/artifacts/stats` of a local storage with deduplication on. */
function stats(state: RunicornMockState): Schemas['ArtifactStats'] {
  const byType: Record<string, { count: number; versions: number; size_bytes: number }> = {};
  const pool = new Map<string, number>();
  for (const artifact of state.artifacts) {
    const entry = byType[artifact.type] ?? { count: 0, versions: 0, size_bytes: 0 };
    entry.count += 1;
    entry.versions += artifact.versions.length;
    for (const version of artifact.versions) {
      entry.size_bytes += state.size(version);
      for (const file of version.files) pool.set(file.digest, file.size);
    }
    byType[artifact.type] = entry;
  }
  const types = Object.values(byType);
  const total = types.reduce((sum, entry) => sum + entry.size_bytes, 0);
  const pooled = [...pool.values()].reduce((sum, size) => sum + size, 0);
  return {
    total_artifacts: types.reduce((sum, entry) => sum + entry.count, 0),
    total_versions: types.reduce((sum, entry) => sum + entry.versions, 0),
    total_size_bytes: total,
    // The viewer never counts files here.
    total_files: 0,
    dedup_enabled: true,
    by_type: byType,
    dedup_pool_size_bytes: pooled,
    space_saved_bytes: total - pooled,
    dedup_ratio: total > 0 ? 1 - pooled / total : 0,
  };
}
