import { HttpResponse } from 'msw';
import type { components } from '../generated/metrics.js';
import {
  experimentOr404,
  type HandlerGroup,
  ingestionAuth,
  invalid,
  metricsError,
  once,
  orgAuth,
  pageAnswer,
  reply,
} from './metrics-mock-http.js';
import type { StoredMetric } from './metrics-mock-state.js';

type Schemas = components['schemas'];

/** Metric data: points (by name and metadata, by step), idempotent ingestion, comparisons, the catalog and its values. */
export const dataHandlers: HandlerGroup = (context) => {
  const { api, state, http } = context;
  return [
    http.get(`${api}/experiments/:experimentId/metrics`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const url = new URL(request.url);
      const name = url.searchParams.get('name');
      const key = url.searchParams.get('metadata_key');
      const value = url.searchParams.get('metadata_value');
      const points = sortByStep(
        state.visible(found.experiment.id).filter((event) => (name === null || event.name === name) && matches(event, key, value)),
      )
        .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
        .map(point);
      return pageAnswer(points, url, 'metrics', 1000);
    }),
    http.post(`${api}/experiments/:experimentId/metrics/ingest`, async ({ request, params }) => {
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const denied = ingestionAuth(context, request, found.experiment.id);
      if (denied) return denied;
      state.ingestRequests++;
      const sync = new URL(request.url).searchParams.get('sync') === 'true';
      return once(context, request, (raw) => {
        const metrics = (raw as { metrics?: unknown } | undefined)?.metrics;
        if (!Array.isArray(metrics) || metrics.length === 0) return invalid('metrics must be a non-empty array.');
        if (metrics.length > 10_000) return reply(413, 'batch_too_large', 'At most 10000 events per request.');
        for (let index = 0; index < metrics.length; index++) {
          const problem = checkEvent(metrics[index]);
          if (problem) return invalid(`metrics[${index}]: ${problem}`);
        }
        state.ingestedEvents += metrics.length;
        return { status: sync ? 200 : 202, body: state.ingest(found.experiment.id, metrics, sync) };
      });
    }),
    http.post(`${api}/metrics/compare`, async ({ request }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const body = (await request.json().catch(() => undefined)) as
        | { series?: Schemas['ComparisonMetricSeries'][]; limit?: number }
        | undefined;
      const series = body?.series;
      const limit = body?.limit ?? 500;
      if (!Array.isArray(series) || series.length === 0 || series.length > 50)
        return metricsError(400, 'invalid_request', 'series must hold 1 to 50 items.');
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return metricsError(400, 'invalid_request', 'limit must be 1 to 10000.');
      const rows: Schemas['ComparisonRow'][] = [];
      for (const [index, item] of series.entries()) {
        const found = experimentOr404(context, item.experiment_id);
        if (found.missing) return found.missing;
        const points = sortByStep(
          state
            .visible(found.experiment.id)
            .filter((event) => event.name === item.metric_name && matches(event, item.metadata_key ?? null, item.metadata_value ?? null)),
        ).slice(0, limit);
        for (const event of points)
          rows.push({
            series_index: index,
            experiment_id: found.experiment.id,
            metric_name: event.name,
            step: event.step,
            value: event.value,
            recorded_at: state.iso(event.recordedAt),
          });
      }
      return HttpResponse.json({ rows });
    }),
    http.get(`${api}/experiments/:experimentId/metric-catalog`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const catalog = new Map<
        string,
        { name: string; count: number; first_step: number | null; last_step: number | null; keys: Set<string> }
      >();
      for (const event of state.visible(found.experiment.id)) {
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
    http.get(`${api}/experiments/:experimentId/metric-catalog/:metricName/values`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const metadataKey = new URL(request.url).searchParams.get('metadata_key');
      if (!metadataKey) return metricsError(400, 'invalid_request', 'metadata_key is required.');
      const metricName = String(params.metricName);
      const events = state.visible(found.experiment.id).filter((event) => event.name === metricName);
      if (events.length === 0) return metricsError(404, 'not_found', `No metric ${metricName} in this experiment.`);
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
  ];
};

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

/** Why an ingested event is refused (the whole batch with it), or undefined. */
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
