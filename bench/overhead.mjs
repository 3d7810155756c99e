// Section 1 of issue 7: per-call overhead. Throughput over real HTTP on loopback of a typical GET
// and POST, sequential and at concurrency 50, through raw fetch (the limit), bare openapi-fetch,
// the trainwire client (defaults, and validation off), axios and ky; and the CPU cost per call
// with a `fetch` that returns a canned Response (no network).
import { ConformanceClient } from '@trainwire/conformance';
import axios from 'axios';
import ky from 'ky';
import createClient from 'openapi-fetch';
import { cpuPerCall, interleave, pairedRatio, settings, throughput } from './lib.mjs';
import { RUN } from './server.mjs';

const API_KEY = 'bench-key-0123456789';
const CONCURRENCY = 50;
const NEW_RUN = { name: 'lora-1', base_model: 'llama-3-8b' };

/** The clients compared, each with a `get` and a `post` of the same two operations. */
function clients(base, fetch) {
  const headers = { 'X-API-Key': API_KEY, Accept: 'application/json' };
  const body = JSON.stringify(NEW_RUN);
  const bare = createClient({ baseUrl: base, headers, ...(fetch && { fetch }) });
  const trainwire = (validate) =>
    new ConformanceClient({
      apiKey: API_KEY,
      baseURL: base,
      logLevel: 'off',
      validateResponses: validate,
      validateRequests: validate,
      ...(fetch && { fetch }),
    });
  const withValidation = trainwire(true);
  const withoutValidation = trainwire(false);
  const postHeaders = { ...headers, 'content-type': 'application/json' };
  // Over HTTP the global fetch with a URL; canned, the Request that fetch would build from it.
  const raw = (url, init) => (fetch ? fetch(new Request(url, init)) : globalThis.fetch(url, init)).then((response) => response.json());
  const variants = {
    'raw fetch': {
      get: () => raw(`${base}/v1/runs/run-1`, { headers }),
      post: () => raw(`${base}/v1/runs`, { method: 'POST', headers: postHeaders, body }),
    },
    'openapi-fetch': {
      get: () => bare.GET('/v1/runs/{run_id}', { params: { path: { run_id: 'run-1' } } }),
      post: () => bare.POST('/v1/runs', { body: NEW_RUN }),
    },
    'trainwire (defaults)': {
      get: () => withValidation.getRun('run-1'),
      post: () => withValidation.createRun(NEW_RUN),
    },
    'trainwire (validation off)': {
      get: () => withoutValidation.getRun('run-1'),
      post: () => withoutValidation.createRun(NEW_RUN),
    },
  };
  const kyClient = ky.create({ prefixUrl: base, headers, ...(fetch && { fetch }) });
  variants.ky = {
    get: () => kyClient.get('v1/runs/run-1').json(),
    post: () => kyClient.post('v1/runs', { json: NEW_RUN }).json(),
  };
  if (fetch) {
    // The ceiling of any client with a cancellable per-attempt timeout: bare openapi-fetch given an
    // AbortController's signal and a timer per call (passing a signal makes every Request dearer).
    const withTimeout = (call) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      return call(controller.signal).finally(() => clearTimeout(timer));
    };
    variants['openapi-fetch + timeout signal'] = {
      get: () => withTimeout((signal) => bare.GET('/v1/runs/{run_id}', { params: { path: { run_id: 'run-1' } }, signal })),
      post: () => withTimeout((signal) => bare.POST('/v1/runs', { body: NEW_RUN, signal })),
    };
  }
  if (!fetch) {
    // axios speaks node:http, not fetch, so it has no canned-fetch figure.
    const axiosClient = axios.create({ baseURL: base, headers });
    variants.axios = {
      get: () => axiosClient.get('/v1/runs/run-1').then((response) => response.data),
      post: () => axiosClient.post('/v1/runs', NEW_RUN).then((response) => response.data),
    };
  }
  return variants;
}

/** Calls per second over loopback HTTP; ratios against raw fetch. */
async function http(base) {
  const variants = clients(base);
  const names = Object.keys(variants);
  const rows = [];
  for (const method of ['get', 'post']) {
    for (const concurrency of [1, CONCURRENCY]) {
      const figures = await interleave(names, (name) => throughput(variants[name][method], { concurrency }), {
        warmUp: (name) => throughput(variants[name][method], { concurrency, calls: Math.min(2_000, settings.calls) }),
        label: `HTTP ${method.toUpperCase()} concurrency ${concurrency}:`,
      });
      const raw = figures.get('raw fetch');
      const bare = figures.get('openapi-fetch');
      for (const [name, figure] of figures) {
        rows.push({
          section: 'HTTP throughput',
          case: `${method.toUpperCase()} ${concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`}`,
          client: name,
          unit: 'calls/s',
          ...figure,
          ratio: pairedRatio(figure, raw),
          versus: 'raw fetch',
          versusOpenapiFetch: pairedRatio(figure, bare),
        });
      }
    }
  }
  return rows;
}

/** CPU microseconds per call with a canned Response; ratios against bare openapi-fetch. */
export async function canned() {
  const text = JSON.stringify(RUN);
  const fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return new Response(text, { status: request.method === 'POST' ? 201 : 200, headers: { 'content-type': 'application/json' } });
  };
  const variants = clients('http://127.0.0.1:9', fetch);
  const names = Object.keys(variants);
  const rows = [];
  for (const method of ['get', 'post']) {
    const figures = await interleave(names, (name) => cpuPerCall(variants[name][method]), {
      warmUp: (name) => cpuPerCall(variants[name][method], { calls: Math.min(5_000, settings.calls) }),
      label: `canned ${method.toUpperCase()}:`,
    });
    const bare = figures.get('openapi-fetch');
    for (const [name, figure] of figures) {
      rows.push({
        section: 'CPU per call, canned fetch',
        case: method.toUpperCase(),
        client: name,
        unit: 'µs',
        ...figure,
        ratio: pairedRatio(figure, bare),
        versus: 'openapi-fetch',
      });
    }
  }
  return rows;
}

/** Every row of the per-call overhead section. */
export async function overhead(server) {
  return [...(await http(server.url)), ...(await canned())];
}

/**
 * Issue 18's targets, from the rows: the trainwire client with validation on against bare
 * openapi-fetch, at least 0.95× its throughput in each HTTP case and at most 1.3× its CPU per call.
 */
export function overheadTargets(rows) {
  const ours = rows.filter((row) => row.client === 'trainwire (defaults)');
  const throughputs = ours.filter((row) => row.section === 'HTTP throughput');
  const cpu = ours.filter((row) => row.section === 'CPU per call, canned fetch');
  const verdict = (ok) => (ok ? 'met' : 'missed');
  return [
    `Target (trainwire with validation, against bare openapi-fetch, median of per-run ratios): throughput at least 0.95× — ${throughputs
      .map((row) => `${row.case} ${row.versusOpenapiFetch.toFixed(2)}× ${verdict(row.versusOpenapiFetch >= 0.95)}`)
      .join(
        ', ',
      )}; CPU per call at most 1.3× — ${cpu.map((row) => `${row.case} ${row.ratio.toFixed(2)}× ${verdict(row.ratio <= 1.3)}`).join(', ')}.`,
  ];
}
