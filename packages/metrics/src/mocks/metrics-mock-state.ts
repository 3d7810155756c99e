import { seededRandom } from '@trainwire/core';
import { IdempotencyReplay, RequestIds, seededUuid } from '@trainwire/core/mock-kit';
import type { components } from '../generated/metrics.js';
import { metricsError } from './metrics-mock-http.js';

type Schemas = components['schemas'];
type Folder = Schemas['Folder'];
type Experiment = Schemas['Experiment'];
type Metadata = Schemas['Metadata'];

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
  key: Schemas['IngestionKey'];
  secret: string;
  expiresAt: number | undefined;
}

/** What ingesting a batch answers. */
export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: { client_event_id: string; reason: string }[];
}

/** Options of the mock's state. */
export interface MetricsStateOptions {
  apiKey: string;
  seed: number;
  speed: number;
  /** Milliseconds (at speed 1) before events ingested without `sync` can be queried. */
  ingestDelay: number;
}

/** Everything the Syvain Metrics mock knows, open for tests to inspect and change. */
export class MetricsMockState {
  readonly apiKey: string;
  readonly folders = new Map<string, Folder>();
  readonly experiments = new Map<string, Experiment>();
  /** Metric events by experiment id, in arrival order, and by `client_event_id`. */
  readonly metrics = new Map<string, { events: StoredMetric[]; byId: Map<string, StoredMetric> }>();
  /** By secret. */
  readonly ingestionKeys = new Map<string, MintedKey>();
  readonly annotations = new Map<string, Schemas['Annotation'][]>();
  /** 2xx answers kept by `Idempotency-Key` (the last 10000); a key reused for another body is a 422. */
  readonly replay = new IdempotencyReplay({
    conflict: () => metricsError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.'),
    keep: (status) => status < 300,
    compareQuery: false,
  });
  /** The `x-request-id` of every answer, deterministic under the seed. */
  readonly requestIds: RequestIds;
  readonly random: () => number;
  /** Ingest requests received (each attempt), and the events they carried. */
  ingestRequests = 0;
  ingestedEvents = 0;
  readonly #options: MetricsStateOptions;
  readonly #started = Date.now();
  /** One metadata object per distinct metadata, shared by every event that has it. */
  readonly #interned = new Map<string, Metadata>();

  constructor(options: MetricsStateOptions) {
    this.#options = options;
    this.apiKey = options.apiKey;
    this.random = seededRandom(options.seed);
    this.requestIds = new RequestIds({ seed: options.seed });
  }

  /** Simulated time: wall time since creation scaled by `speed`, from a fixed epoch. */
  now(): number {
    return Date.UTC(2026, 0, 1) + (Date.now() - this.#started) * this.#options.speed;
  }

  iso(time = this.now()): string {
    return new Date(time).toISOString();
  }

  uuid(): string {
    return seededUuid(this.random);
  }

  /** The stored events of one experiment. */
  events(experimentId: string): StoredMetric[] {
    return this.metrics.get(experimentId)?.events ?? [];
  }

  /** The events of an experiment that queries can see now. */
  visible(experimentId: string): StoredMetric[] {
    const time = this.now();
    return this.events(experimentId).filter((event) => event.visibleAt <= time);
  }

  /** Revoke every ingestion key (the clients must re-mint). */
  revokeIngestionKeys(): void {
    for (const minted of this.ingestionKeys.values()) minted.key.revoked_at ??= this.iso();
  }

  /** A folder as the API shows it, with its `path` from the root. */
  showFolder(folder: Folder): Folder {
    const names: string[] = [];
    for (let current: Folder | undefined = folder; current; current = current.parent_id ? this.folders.get(current.parent_id) : undefined)
      names.unshift(current.name);
    return { ...folder, path: names.join('/') };
  }

  /** Whether another folder of that name sits under the same parent. */
  siblingNamed(name: string, parentId: string | null, except?: string): boolean {
    return [...this.folders.values()].some((folder) => folder.name === name && folder.parent_id === parentId && folder.id !== except);
  }

  createFolder(name: string, parentId: string | null, description: string | null, metadata: Metadata): Folder {
    const time = this.iso();
    const folder: Folder = {
      id: this.uuid(),
      name,
      parent_id: parentId,
      path: '',
      description,
      metadata,
      created_at: time,
      updated_at: time,
    };
    this.folders.set(folder.id, folder);
    return folder;
  }

  createExperiment(slug: string, description: string | null, metadata: Metadata, folderId: string | null): Experiment {
    const time = this.iso();
    const experiment: Experiment = {
      id: this.uuid(),
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
    this.experiments.set(experiment.id, experiment);
    return experiment;
  }

  /** Store events, deduplicated by `client_event_id`; returns the counts the API answers with. */
  ingest(experimentId: string, events: Schemas['MetricEvent'][], sync: boolean): IngestCounts {
    const entry = this.#store(experimentId);
    const time = this.now();
    const visibleAt = sync ? time : time + this.#options.ingestDelay;
    const counts: IngestCounts = { accepted: 0, duplicates: 0, rejected: [] };
    for (const event of events) {
      const metadata = event.metadata ?? {};
      const metadataKey = canonical(metadata);
      const step = event.step ?? null;
      const known = entry.byId.get(event.client_event_id);
      if (known) {
        if (known.name === event.name && known.value === event.value && known.step === step && known.metadataKey === metadataKey)
          counts.duplicates++;
        else
          counts.rejected.push({
            client_event_id: event.client_event_id,
            reason: 'client_event_id was already used for a different event',
          });
        continue;
      }
      const shared = this.#interned.get(metadataKey) ?? metadata;
      this.#interned.set(metadataKey, shared);
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
      counts.accepted++;
    }
    const experiment = this.experiments.get(experimentId);
    if (experiment && experiment.status === 'created' && counts.accepted > 0) {
      experiment.status = 'running';
      experiment.started_at = this.iso(time);
      experiment.updated_at = this.iso(time);
    }
    return counts;
  }

  #store(experimentId: string) {
    let entry = this.metrics.get(experimentId);
    if (!entry) {
      entry = { events: [], byId: new Map() };
      this.metrics.set(experimentId, entry);
    }
    return entry;
  }
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
