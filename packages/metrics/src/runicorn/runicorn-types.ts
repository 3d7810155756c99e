import type { components } from '../generated/runicorn.js';

type Schemas = components['schemas'];

/** An experiment as the viewer's index lists it (`GET /api/v2/experiments`). */
export type Experiment = Schemas['ExperimentV2'];
/** One run in detail (`GET /api/runs/{run_id}`); `logs`/`metrics` are file paths on the viewer host. */
export type Run = Schemas['RunDetail'];
/** One run as `GET /api/runs` lists it. */
export type RunListItem = Schemas['RunListItem'];
/** The viewer's metric table: one row per logged step. */
export type MetricRows = Schemas['MetricRows'];
/** One row of {@link MetricRows}. */
export type MetricRow = Schemas['MetricRow'];
/** `GET /api/health`. */
export type Health = Schemas['Health'];
/** `GET /api/config`. */
export type ViewerConfig = Schemas['ViewerConfig'];
/** `GET /api/gpu/telemetry`. */
export type GpuTelemetry = Schemas['GpuTelemetry'];
/** One artifact in `listArtifacts`. */
export type ArtifactListItem = Schemas['ArtifactListItem'];
/** One version in `listVersions`, newest first. */
export type ArtifactVersion = Schemas['ArtifactVersionItem'];
/** One artifact version in detail (`getArtifact`). */
export type Artifact = Schemas['ArtifactDetailResponse'];
/** The files of an artifact version. */
export type ArtifactFiles = Schemas['ArtifactFiles'];
/** The lineage graph of an artifact version. */
export type ArtifactLineage = Schemas['ArtifactLineage'];
/** Artifacts a run created and used. */
export type ExperimentArtifacts = Schemas['ExperimentArtifacts'];
/** An open SSH connection (`remote.connect`). */
export type RemoteConnection = Schemas['RemoteConnection'];
/** One entry of `remote.listSessions`. */
export type RemoteSession = Schemas['RemoteSessions']['sessions'][number];
/** A remote viewer reached through an SSH tunnel (camelCase on the wire). */
export type ViewerSession = Schemas['ViewerSession'];
/** `remote.startViewer`. */
export type ViewerStarted = Schemas['ViewerStarted'];
/** One entry of `remote.listRemoteDirectory`. */
export type RemoteDirectoryItem = Schemas['RemoteDirectory']['items'][number];
/** `remote.checkRemotePath`. */
export type RemotePathExists = Schemas['RemotePathExists'];
/** `remote.getRemoteStatus`. */
export type RemoteStatus = Schemas['RemoteStatus'];

/** One point of a metric curve. `timestamp` is the epoch seconds the value was logged at. */
export interface MetricPoint {
  step: number;
  value: number;
  timestamp?: number;
  /** The `stage` logged with the value (`train`, `val`, ...), when there was one. */
  stage?: string;
}

/** `getMetrics`: every metric of a run as a curve, the documented `{ metrics: { name: [{ step, value }] } }`. */
export interface Metrics {
  run_id: string;
  metrics: Record<string, MetricPoint[]>;
  /** Rows the viewer holds for the run. */
  total: number;
  /** Rows it returned (fewer when downsampled). */
  sampled: number;
}
