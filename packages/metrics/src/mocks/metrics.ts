import { HttpResponse, http } from 'msw';
import type { components } from '../generated/metrics.js';

export { service as metricsService } from '../generated/metrics.js';

type Schemas = components['schemas'];
type Folder = Schemas['Folder'];
type Experiment = Schemas['Experiment'];
type Metadata = Schemas['Metadata'];
type IngestionKey = Schemas['IngestionKey'];
type Annotation = Schemas['Annotation'];

/** Options of {@link createMetricsMock}. */
export interface MetricsMockOptions {
  /** @default 'https://metrics.syvain.com' */
  baseURL?: string;
  /** The organisation API key accepted. @default 'ak_org_trainwire_test' */
  apiKey?: string;
  /** Seeds the ids and the noise of the seeded curves. @default 1 */
  seed?: number;
  /** Scales simulated time: how long queued (non-sync) ingestion takes to show, and key expiry. @default 1 */
  speed?: number;
  /** Experiments seeded at start, each with loss/accuracy curves and an annotation. @default 3 */
  experiments?: number;
  /** Milliseconds (at speed 1) before events ingested without `sync` can be queried. @default 50 */
  ingestDelay?: number;
}

/** One stored metric event. */
export interface StoredMetric {
  client_event_id: string;
  name: string;
  value: number;
  step: number | null;
  metadata: Metadata;
  /** Canonical JSON of `metadata`, what "the same event" compares. */
  metadataKey: string;
  timestamp: string | undefined;
  recordedAt: number;
  /** Clock time from which queries see it. */
  visibleAt: number;
}

/** An ingestion key the mock minted, with the secret it handed out. */
export interface MintedKey {
  key: IngestionKey;
  secret: string;
  expiresAt: number | undefined;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A stateful mock of the Syvain Metrics API: folders, experiments seeded with metric curves,
 * idempotent ingestion deduplicated by `client_event_id` (accepted / duplicates / rejected counts),
 * ingestion keys that are minted, revoked and refused, a catalog, comparisons and annotations.
 * Org calls need `Authorization: Bearer <apiKey>`; ingestion and annotation writes need a live
 * ingestion key of that experiment. Writes honour `Idempotency-Key` (a repeat replays the first 2xx
 * answer; a repeat with another body is a 422).
 */
export function createMetricsMock(options: MetricsMockOptions = {}) {
  const base = (options.baseURL ?? 'https://metrics.syvain.com').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? 'ak_org_trainwire_test';
  const speed = options.speed ?? 1;
  const ingestDelay = options.ingestDelay ?? 50;
  const random = mulberry32(options.seed ?? 1);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  };
  const started = Date.now();
  // Simulated time: wall time since creation scaled by `speed`, from a fixed epoch.
  const now = () => Date.UTC(2026, 0, 1) + (Date.now() - started) * speed;
  const iso = (time: number) => new Date(time).toISOString();

  const state = {
    apiKey,
    folders: new Map<string, Folder>(),
    experiments: new Map<string, Experiment>(),
    /** Metric events by experiment id, in arrival order, and by `client_event_id`. */
    metrics: new Map<string, { events: StoredMetric[]; byId: Map<string, StoredMetric> }>(),
    ingestionKeys: new Map<string, MintedKey>(),
    annotations: new Map<string, Annotation[]>(),
    /** Answers kept for `Idempotency-Key` replays (the last 10000). */
    replies: new Map<string, { fingerprint: string; status: number; body: unknown }>(),
    /** Ingest requests received (each attempt), and the events they carried. */
    ingestRequests: 0,
    ingestedEvents: 0,
    /** The stored events of one experiment. */
    events(experimentId: string): StoredMetric[] {
      return state.metrics.get(experimentId)?.events ?? [];
    },
    /** Revoke every ingestion key (the clients must re-mint). */
    revokeIngestionKeys(): void {
      for (const minted of state.ingestionKeys.values()) minted.key.revoked_at ??= iso(now());
    },
  };

  // A conflict (taken slug, folder cycle) will not go away by retrying: say so, as `x-should-retry`.
  const final = (status: number) => (status === 409 ? { 'x-should-retry': 'false' } : undefined);
  const error = (status: number, code: string, message: string) =>
    HttpResponse.json({ error: { code, message } }, { status, headers: final(status) });
  const reply = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });

  const folderPath = (folder: Folder): string => {
    const names: string[] = [];
    for (let current: Folder | undefined = folder; current; current = current.parent_id ? state.folders.get(current.parent_id) : undefined)
      names.unshift(current.name);
    return names.join('/');
  };
  const showFolder = (folder: Folder): Folder => ({ ...folder, path: folderPath(folder) });
  const store = (experimentId: string) => {
    let entry = state.metrics.get(experimentId);
    if (!entry) {
      entry = { events: [], byId: new Map() };
      state.metrics.set(experimentId, entry);
    }
    return entry;
  };
  const visible = (experimentId: string) => {
    const time = now();
    return state.events(experimentId).filter((event) => event.visibleAt <= time);
  };

  // Authentication: the org key, or an ingestion key of the experiment for the routes that take one.
  const bearer = (request: Request) => /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  const orgAuth = (request: Request) =>
    bearer(request) === apiKey ? undefined : error(401, 'unauthorized', 'Missing or invalid API key.');
  const ingestionAuth = (request: Request, experimentId: string) => {
    const token = bearer(request);
    if (token === undefined) return error(401, 'unauthorized', 'Missing credentials.');
    if (token === apiKey) return error(401, 'ingestion_key_required', 'This endpoint takes an ingestion key of the experiment.');
    const minted = state.ingestionKeys.get(token);
    if (!minted || minted.key.revoked_at) return error(401, 'invalid_ingestion_key', 'Ingestion key is unknown or revoked.');
    if (minted.expiresAt !== undefined && minted.expiresAt <= now())
      return error(401, 'invalid_ingestion_key', 'Ingestion key has expired.');
    if (minted.key.experiment_id !== experimentId) return error(403, 'forbidden', 'Ingestion key belongs to another experiment.');
    return undefined;
  };

  /** Replays the first 2xx answer to a write that repeats its Idempotency-Key; refuses a key reused for another body. */
  const once = async (request: Request, handle: (body: unknown) => { status: number; body: unknown }) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const text = decoder.decode(bytes);
    const key = request.headers.get('idempotency-key');
    const fingerprint = `${request.method} ${new URL(request.url).pathname} ${await digest(bytes)}`;
    const known = key ? state.replies.get(key) : undefined;
    if (known && known.fingerprint !== fingerprint)
      return error(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
    if (known) return answer(known.status, known.body);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return error(400, 'invalid_json', 'The body is not valid JSON.');
    }
    const result = handle(body);
    if (key && result.status < 300) {
      state.replies.set(key, { fingerprint, ...result });
      if (state.replies.size > 10_000) state.replies.delete(state.replies.keys().next().value as string);
    }
    return answer(result.status, result.body);
  };
  const answer = (status: number, body: unknown) =>
    status === 204 ? new HttpResponse(null, { status }) : HttpResponse.json(body as never, { status, headers: final(status) });

  const page = <Item>(items: Item[], url: URL, field: string, defaultLimit: number) => {
    const limit = Number(url.searchParams.get('limit') ?? defaultLimit);
    const cursor = url.searchParams.get('cursor');
    let offset = 0;
    try {
      offset = cursor ? Number.parseInt(atob(cursor).replace(/^offset:/, ''), 10) : 0;
    } catch {
      return undefined; // not base64: the API answers 400 for a cursor it did not issue
    }
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return undefined;
    const slice = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? btoa(`offset:${offset + limit}`) : null;
    return { [field]: slice, next_cursor: next };
  };

  // Writes shared by the handlers and the seeding.
  const createExperiment = (slug: string, description: string | null, metadata: Metadata, folderId: string | null) => {
    const time = iso(now());
    const experiment: Experiment = {
      id: uuid(),
      slug,
      description,
      status: 'created',
      folder_id: folderId,
      metadata,
      created_at: time,
      updated_at: time,
      started_at: null,
      ended_at: null,
    };
    state.experiments.set(experiment.id, experiment);
    return experiment;
  };
  const createFolder = (name: string, parentId: string | null, description: string | null, metadata: Metadata) => {
    const time = iso(now());
    const folder: Folder = { id: uuid(), name, parent_id: parentId, path: '', description, metadata, created_at: time, updated_at: time };
    state.folders.set(folder.id, folder);
    return folder;
  };
  const siblingNamed = (name: string, parentId: string | null, except?: string) =>
    [...state.folders.values()].some((folder) => folder.name === name && folder.parent_id === parentId && folder.id !== except);

  const interned = new Map<string, Metadata>();
  /** Store events; returns the counts the API answers with. */
  const ingest = (experimentId: string, events: Schemas['MetricEvent'][], sync: boolean) => {
    const entry = store(experimentId);
    const time = now();
    const visibleAt = sync ? time : time + ingestDelay;
    let accepted = 0;
    let duplicates = 0;
    const rejected: { client_event_id: string; reason: string }[] = [];
    for (const event of events) {
      const metadata = event.metadata ?? {};
      const metadataKey = canonical(metadata);
      const step = event.step ?? null;
      const known = entry.byId.get(event.client_event_id);
      if (known) {
        if (known.name === event.name && known.value === event.value && known.step === step && known.metadataKey === metadataKey)
          duplicates++;
        else rejected.push({ client_event_id: event.client_event_id, reason: 'client_event_id was already used for a different event' });
        continue;
      }
      const shared = interned.get(metadataKey) ?? metadata;
      interned.set(metadataKey, shared);
      const stored = new Stored(
        event.client_event_id,
        event.name,
        event.value,
        step,
        shared,
        metadataKey,
        event.timestamp,
        time,
        visibleAt,
      );
      entry.byId.set(stored.client_event_id, stored);
      entry.events.push(stored);
      accepted++;
    }
    const experiment = state.experiments.get(experimentId);
    if (experiment && experiment.status === 'created' && accepted > 0) {
      experiment.status = 'running';
      experiment.started_at = iso(time);
      experiment.updated_at = iso(time);
    }
    return { accepted, duplicates, rejected };
  };

  seed(options.experiments ?? 3);

  function seed(count: number): void {
    const research = createFolder('research', null, 'Long-running research runs', {});
    const mamba = createFolder('mamba', research.id, null, { team: 'ssm' });
    createFolder('baselines', null, null, {});
    for (let index = 0; index < count; index++) {
      const experiment = createExperiment(
        `mamba-run-${String(index + 1).padStart(3, '0')}`,
        `Seeded run ${index + 1}`,
        { model: 'mamba', lr: 3e-4 * (index + 1) },
        index === 0 ? null : mamba.id,
      );
      const events: Schemas['MetricEvent'][] = [];
      const rate = 150 + 50 * index;
      for (let step = 0; step < 200; step++) {
        const loss = 2.5 * Math.exp(-step / rate) + 0.3 + (random() - 0.5) * 0.05;
        events.push({
          client_event_id: `${experiment.slug}/loss/${step}/train`,
          name: 'loss',
          value: round(loss),
          step,
          metadata: { split: 'train' },
        });
        if (step % 20 === 0) {
          events.push({
            client_event_id: `${experiment.slug}/loss/${step}/eval`,
            name: 'loss',
            value: round(loss + 0.1),
            step,
            metadata: { split: 'eval' },
          });
          events.push({
            client_event_id: `${experiment.slug}/accuracy/${step}`,
            name: 'accuracy',
            value: round(1 - loss / 3),
            step,
            metadata: {},
          });
        }
      }
      ingest(experiment.id, events, true);
      experiment.status = index === 0 ? 'completed' : 'running';
      experiment.ended_at = index === 0 ? iso(now()) : null;
      state.annotations.set(experiment.id, [
        {
          id: uuid(),
          experiment_id: experiment.id,
          text: 'warmup done',
          step: 20,
          metadata: {},
          client_event_id: null,
          created_at: iso(now()),
        },
      ]);
    }
  }

  const experimentOr404 = (id: unknown) => {
    const experiment = typeof id === 'string' && ID.test(id) ? state.experiments.get(id) : undefined;
    return experiment ? { experiment } : { missing: error(404, 'not_found', `No experiment ${String(id)}.`) };
  };
  const invalid = (message: string) => reply(400, 'invalid_request', message);

  const handlers = [
    http.get(`${base}/api/v1/auth/status`, ({ request }) => {
      const token = bearer(request);
      const minted = token ? state.ingestionKeys.get(token) : undefined;
      if (token === apiKey)
        return HttpResponse.json({
          authenticated: true,
          principal: { type: 'api_key', org_id: 'org_trainwire', key_prefix: apiKey.slice(0, 10), experiment_id: null },
          scopes: ['experiments:read', 'experiments:write', 'metrics:read', 'ingestion_keys:write'],
        });
      if (minted && !minted.key.revoked_at)
        return HttpResponse.json({
          authenticated: true,
          principal: {
            type: 'ingestion_key',
            org_id: 'org_trainwire',
            key_prefix: minted.key.prefix,
            experiment_id: minted.key.experiment_id,
          },
          scopes: ['metrics:write', 'annotations:write'],
        });
      return error(401, 'unauthorized', 'Missing or invalid API key.');
    }),

    // Folders
    http.get(`${base}/api/v1/folders`, ({ request }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const parentId = url.searchParams.get('parent_id');
      const folders = [...state.folders.values()]
        .filter((folder) => parentId === null || folder.parent_id === parentId)
        .sort((left, right) => left.name.localeCompare(right.name))
        .map(showFolder);
      const body = page(folders, url, 'folders', 100);
      return body ? HttpResponse.json(body) : error(400, 'invalid_request', 'Bad limit or cursor.');
    }),
    http.post(
      `${base}/api/v1/folders`,
      ({ request }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const body = raw as Schemas['CreateFolderRequest'] | undefined;
          if (typeof body?.name !== 'string' || body.name === '' || body.name.includes('/'))
            return invalid('name is required and must not contain /.');
          const parentId = body.parent_id ?? null;
          if (parentId !== null && !state.folders.has(parentId)) return reply(404, 'not_found', `No folder ${parentId}.`);
          if (siblingNamed(body.name, parentId)) return reply(409, 'folder_exists', `A folder named ${body.name} already exists there.`);
          return {
            status: 201,
            body: { folder: showFolder(createFolder(body.name, parentId, body.description ?? null, body.metadata ?? {})) },
          };
        }),
    ),
    http.get(`${base}/api/v1/folders/:folderId`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const folder = state.folders.get(String(params.folderId));
      return folder ? HttpResponse.json({ folder: showFolder(folder) }) : error(404, 'not_found', `No folder ${String(params.folderId)}.`);
    }),
    http.patch(
      `${base}/api/v1/folders/:folderId`,
      ({ request, params }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const folder = state.folders.get(String(params.folderId));
          if (!folder) return reply(404, 'not_found', `No folder ${String(params.folderId)}.`);
          const body = (raw ?? {}) as Schemas['PatchFolderRequest'];
          if (Object.keys(body).length === 0) return invalid('Nothing to change.');
          if (body.name !== undefined) {
            if (body.name === '' || body.name.includes('/')) return invalid('name must not be empty or contain /.');
            if (siblingNamed(body.name, folder.parent_id, folder.id))
              return reply(409, 'folder_exists', `A folder named ${body.name} already exists there.`);
            folder.name = body.name;
          }
          if (body.description !== undefined) folder.description = body.description;
          if (body.metadata !== undefined) folder.metadata = body.metadata;
          folder.updated_at = iso(now());
          return { status: 200, body: { folder: showFolder(folder) } };
        }),
    ),
    http.post(
      `${base}/api/v1/folders/:folderId/move`,
      ({ request, params }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const folder = state.folders.get(String(params.folderId));
          if (!folder) return reply(404, 'not_found', `No folder ${String(params.folderId)}.`);
          const parentId = (raw as { parent_id?: string | null } | undefined)?.parent_id;
          if (parentId === undefined) return invalid('parent_id is required (null for the top level).');
          if (parentId !== null && !state.folders.has(parentId)) return reply(404, 'not_found', `No folder ${parentId}.`);
          for (let current: string | null = parentId; current; current = state.folders.get(current)?.parent_id ?? null)
            if (current === folder.id) return reply(409, 'folder_cycle', 'A folder cannot move into itself or its descendants.');
          if (siblingNamed(folder.name, parentId, folder.id))
            return reply(409, 'folder_exists', `A folder named ${folder.name} already exists there.`);
          folder.parent_id = parentId;
          folder.updated_at = iso(now());
          return { status: 200, body: { folder: showFolder(folder) } };
        }),
    ),

    // Experiments
    http.get(`${base}/api/v1/experiments`, ({ request }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const folderId = url.searchParams.get('folder_id');
      const status = url.searchParams.get('status');
      const search = url.searchParams.get('search')?.toLowerCase();
      const experiments = [...state.experiments.values()]
        .filter((experiment) => folderId === null || experiment.folder_id === folderId)
        .filter((experiment) => status === null || experiment.status === status)
        .filter((experiment) => !search || `${experiment.slug} ${experiment.description ?? ''}`.toLowerCase().includes(search))
        .reverse();
      const body = page(experiments, url, 'experiments', 100);
      return body ? HttpResponse.json(body) : error(400, 'invalid_request', 'Bad limit or cursor.');
    }),
    http.post(
      `${base}/api/v1/experiments`,
      ({ request }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const body = raw as Schemas['CreateExperimentRequest'] | undefined;
          if (typeof body?.slug !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(body.slug))
            return invalid('slug is required (letters, digits, . _ -).');
          if ([...state.experiments.values()].some((experiment) => experiment.slug === body.slug))
            return reply(409, 'slug_taken', `An experiment with slug ${body.slug} already exists.`);
          const folderId = body.folder_id ?? null;
          if (folderId !== null && !state.folders.has(folderId)) return reply(404, 'not_found', `No folder ${folderId}.`);
          return {
            status: 201,
            body: { experiment: createExperiment(body.slug, body.description ?? null, body.metadata ?? {}, folderId) },
          };
        }),
    ),
    http.get(`${base}/api/v1/experiments/:experimentId`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      return found.missing ?? HttpResponse.json({ experiment: found.experiment });
    }),
    http.patch(
      `${base}/api/v1/experiments/:experimentId/status`,
      ({ request, params }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const experiment = state.experiments.get(String(params.experimentId));
          if (!experiment) return reply(404, 'not_found', `No experiment ${String(params.experimentId)}.`);
          const status = (raw as { status?: string } | undefined)?.status;
          if (!['created', 'running', 'completed', 'failed', 'cancelled'].includes(status ?? ''))
            return invalid(`Unknown status ${String(status)}.`);
          const time = iso(now());
          experiment.status = status as Experiment['status'];
          if (status === 'running') {
            experiment.started_at ??= time;
            experiment.ended_at = null;
          }
          if (status === 'completed' || status === 'failed' || status === 'cancelled') experiment.ended_at = time;
          experiment.updated_at = time;
          return { status: 200, body: { experiment } };
        }),
    ),
    http.post(
      `${base}/api/v1/experiments/:experimentId/move`,
      ({ request, params }) =>
        orgAuth(request) ??
        once(request, (raw) => {
          const experiment = state.experiments.get(String(params.experimentId));
          if (!experiment) return reply(404, 'not_found', `No experiment ${String(params.experimentId)}.`);
          const folderId = (raw as { folder_id?: string | null } | undefined)?.folder_id;
          if (folderId === undefined) return invalid('folder_id is required (null for none).');
          if (folderId !== null && !state.folders.has(folderId)) return reply(404, 'not_found', `No folder ${folderId}.`);
          experiment.folder_id = folderId;
          experiment.updated_at = iso(now());
          return { status: 200, body: { experiment } };
        }),
    ),

    // Metrics
    http.get(`${base}/api/v1/experiments/:experimentId/metrics`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const url = new URL(request.url);
      const name = url.searchParams.get('name');
      const key = url.searchParams.get('metadata_key');
      const value = url.searchParams.get('metadata_value');
      const points = sortByStep(
        visible(found.experiment.id).filter((event) => (name === null || event.name === name) && matches(event, key, value)),
      )
        .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
        .map(point);
      const body = page(points, url, 'metrics', 1000);
      return body ? HttpResponse.json(body) : error(400, 'invalid_request', 'Bad limit or cursor.');
    }),
    http.post(`${base}/api/v1/experiments/:experimentId/metrics/ingest`, async ({ request, params }) => {
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const denied = ingestionAuth(request, found.experiment.id);
      if (denied) return denied;
      state.ingestRequests++;
      const sync = new URL(request.url).searchParams.get('sync') === 'true';
      return once(request, (raw) => {
        const metrics = (raw as { metrics?: unknown } | undefined)?.metrics;
        if (!Array.isArray(metrics) || metrics.length === 0) return invalid('metrics must be a non-empty array.');
        if (metrics.length > 10_000) return reply(413, 'batch_too_large', 'At most 10000 events per request.');
        for (let index = 0; index < metrics.length; index++) {
          const problem = checkEvent(metrics[index]);
          if (problem) return invalid(`metrics[${index}]: ${problem}`);
        }
        state.ingestedEvents += metrics.length;
        return { status: sync ? 200 : 202, body: ingest(found.experiment.id, metrics, sync) };
      });
    }),
    http.post(`${base}/api/v1/metrics/compare`, async ({ request }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const body = (await request.json().catch(() => undefined)) as
        | { series?: Schemas['ComparisonMetricSeries'][]; limit?: number }
        | undefined;
      const series = body?.series;
      const limit = body?.limit ?? 500;
      if (!Array.isArray(series) || series.length === 0 || series.length > 50)
        return error(400, 'invalid_request', 'series must hold 1 to 50 items.');
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return error(400, 'invalid_request', 'limit must be 1 to 10000.');
      const rows: Schemas['ComparisonRow'][] = [];
      for (const [index, item] of series.entries()) {
        const found = experimentOr404(item.experiment_id);
        if (found.missing) return found.missing;
        const points = sortByStep(
          visible(found.experiment.id).filter(
            (event) => event.name === item.metric_name && matches(event, item.metadata_key ?? null, item.metadata_value ?? null),
          ),
        ).slice(0, limit);
        for (const event of points)
          rows.push({
            series_index: index,
            experiment_id: found.experiment.id,
            metric_name: event.name,
            step: event.step,
            value: event.value,
            recorded_at: iso(event.recordedAt),
          });
      }
      return HttpResponse.json({ rows });
    }),
    http.get(`${base}/api/v1/experiments/:experimentId/metric-catalog`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const catalog = new Map<
        string,
        { name: string; count: number; first_step: number | null; last_step: number | null; keys: Set<string> }
      >();
      for (const event of visible(found.experiment.id)) {
        const entry = catalog.get(event.name) ?? { name: event.name, count: 0, first_step: null, last_step: null, keys: new Set<string>() };
        entry.count++;
        if (event.step !== null) {
          entry.first_step = entry.first_step === null ? event.step : Math.min(entry.first_step, event.step);
          entry.last_step = entry.last_step === null ? event.step : Math.max(entry.last_step, event.step);
        }
        for (const key of Object.keys(event.metadata)) entry.keys.add(key);
        catalog.set(event.name, entry);
      }
      const metrics = [...catalog.values()]
        .sort((left, right) => left.name.localeCompare(right.name))
        .map(({ keys, ...entry }) => ({ ...entry, metadata_keys: [...keys].sort() }));
      return HttpResponse.json({ metrics });
    }),
    http.get(`${base}/api/v1/experiments/:experimentId/metric-catalog/:metricName/values`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const metadataKey = new URL(request.url).searchParams.get('metadata_key');
      if (!metadataKey) return error(400, 'invalid_request', 'metadata_key is required.');
      const metricName = String(params.metricName);
      const events = visible(found.experiment.id).filter((event) => event.name === metricName);
      if (events.length === 0) return error(404, 'not_found', `No metric ${metricName} in this experiment.`);
      const counts = new Map<string, { value: Schemas['MetadataValue']; count: number }>();
      for (const event of events) {
        if (!Object.hasOwn(event.metadata, metadataKey)) continue;
        const value = event.metadata[metadataKey] as Schemas['MetadataValue'];
        const key = JSON.stringify(value);
        const entry = counts.get(key) ?? { value, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
      const values = [...counts.values()].sort(
        (left, right) => right.count - left.count || String(left.value).localeCompare(String(right.value)),
      );
      return HttpResponse.json({ metric_name: metricName, metadata_key: metadataKey, values });
    }),

    // Ingestion keys
    http.get(`${base}/api/v1/experiments/:experimentId/ingestion-keys`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const keys = [...state.ingestionKeys.values()]
        .filter((minted) => minted.key.experiment_id === found.experiment.id)
        .map((minted) => minted.key);
      return HttpResponse.json({ ingestion_keys: keys });
    }),
    http.post(`${base}/api/v1/experiments/:experimentId/ingestion-keys`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      return once(request, (raw) => {
        const ttl = (raw as { ttl_seconds?: number } | undefined)?.ttl_seconds;
        if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60 || ttl > 31_536_000))
          return invalid('ttl_seconds must be 60 to 31536000.');
        const secret = `ik_${uuid().replace(/-/g, '')}`;
        const time = now();
        const expiresAt = ttl === undefined ? undefined : time + ttl * 1000;
        const key: IngestionKey = {
          id: `ikey_${uuid().slice(0, 8)}`,
          experiment_id: found.experiment.id,
          prefix: secret.slice(0, 7),
          created_at: iso(time),
          expires_at: expiresAt === undefined ? null : iso(expiresAt),
          revoked_at: null,
        };
        state.ingestionKeys.set(secret, { key, secret, expiresAt });
        return { status: 201, body: { ingestion_key: key, secret } };
      });
    }),
    http.delete(`${base}/api/v1/experiments/:experimentId/ingestion-keys/:keyId`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const minted = [...state.ingestionKeys.values()].find(
        (item) => item.key.id === params.keyId && item.key.experiment_id === params.experimentId,
      );
      if (!minted) return error(404, 'not_found', `No ingestion key ${String(params.keyId)}.`);
      minted.key.revoked_at ??= iso(now());
      return new HttpResponse(null, { status: 204 });
    }),

    // Annotations
    http.get(`${base}/api/v1/experiments/:experimentId/annotations`, ({ request, params }) => {
      const denied = orgAuth(request);
      if (denied) return denied;
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const body = page(state.annotations.get(found.experiment.id) ?? [], new URL(request.url), 'annotations', 100);
      return body ? HttpResponse.json(body) : error(400, 'invalid_request', 'Bad limit or cursor.');
    }),
    http.post(`${base}/api/v1/experiments/:experimentId/annotations`, ({ request, params }) => {
      const found = experimentOr404(params.experimentId);
      if (found.missing) return found.missing;
      const denied = ingestionAuth(request, found.experiment.id);
      if (denied) return denied;
      return once(request, (raw) => {
        const body = raw as { text?: string; step?: number | null; metadata?: Metadata; client_event_id?: string } | undefined;
        if (typeof body?.text !== 'string' || body.text === '') return invalid('text is required.');
        const annotations = state.annotations.get(found.experiment.id) ?? [];
        state.annotations.set(found.experiment.id, annotations);
        const existing = body.client_event_id ? annotations.find((item) => item.client_event_id === body.client_event_id) : undefined;
        if (existing) return { status: 200, body: { annotation: existing } };
        const annotation: Annotation = {
          id: uuid(),
          experiment_id: found.experiment.id,
          text: body.text,
          step: body.step ?? null,
          metadata: body.metadata ?? {},
          client_event_id: body.client_event_id ?? null,
          created_at: iso(now()),
        };
        annotations.push(annotation);
        return { status: 201, body: { annotation } };
      });
    }),
  ];

  return { handlers, state };
}

/** A class, so a million stored events share one shape. */
class Stored implements StoredMetric {
  constructor(
    public client_event_id: string,
    public name: string,
    public value: number,
    public step: number | null,
    public metadata: Metadata,
    public metadataKey: string,
    public timestamp: string | undefined,
    public recordedAt: number,
    public visibleAt: number,
  ) {}
}

function point(event: StoredMetric): Schemas['MetricPoint'] {
  return {
    client_event_id: event.client_event_id,
    name: event.name,
    value: event.value,
    step: event.step,
    metadata: event.metadata,
    recorded_at: event.timestamp ?? new Date(event.recordedAt).toISOString(),
  };
}

function matches(event: StoredMetric, key: string | null, value: string | null): boolean {
  if (key === null) return true;
  if (!Object.hasOwn(event.metadata, key)) return false;
  return value === null || String(event.metadata[key]) === value;
}

/** By step ascending, events without a step last (stable, so arrival order within a step). */
function sortByStep(events: StoredMetric[]): StoredMetric[] {
  return events.sort((left, right) => (left.step ?? Number.MAX_SAFE_INTEGER) - (right.step ?? Number.MAX_SAFE_INTEGER));
}

function checkEvent(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'must be an object';
  const event = value as Record<string, unknown>;
  if (typeof event.client_event_id !== 'string' || event.client_event_id === '' || event.client_event_id.length > 512)
    return 'client_event_id must be a string of 1 to 512 characters';
  if (typeof event.name !== 'string' || event.name === '' || event.name.length > 256) return 'name must be a string of 1 to 256 characters';
  if (typeof event.value !== 'number' || !Number.isFinite(event.value)) return 'value must be a finite number';
  if (event.step !== undefined && event.step !== null && !(Number.isSafeInteger(event.step) && (event.step as number) >= 0))
    return 'step must be a non-negative integer or null';
  if (event.metadata !== undefined) {
    if (!event.metadata || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) return 'metadata must be an object';
    for (const item of Object.values(event.metadata))
      if (item !== null && typeof item === 'object') return 'metadata values must be scalars';
  }
  if (event.timestamp !== undefined && (typeof event.timestamp !== 'string' || Number.isNaN(Date.parse(event.timestamp))))
    return 'timestamp must be an ISO 8601 date-time';
  return undefined;
}

/** What "the same metadata" compares: sorted keys, type-tagged, length-prefixed values. */
function canonical(metadata: Metadata): string {
  const keys = Object.keys(metadata);
  if (keys.length > 1) keys.sort();
  let text = '';
  for (const key of keys) {
    const value = String(metadata[key]);
    text += `${key.length}:${key}${typeof metadata[key]}${value.length}:${value}`;
  }
  return text;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

const decoder = new TextDecoder();

/** A short SHA-256 of a request body (Web Crypto: Node, Deno, Bun and browsers). */
async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash.subarray(0, 12), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function mulberry32(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let mixed = value;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
