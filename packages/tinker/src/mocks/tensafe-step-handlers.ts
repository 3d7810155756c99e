import { HttpResponse, http } from 'msw';
import type { components } from '../generated/tensafe.js';
import { decryptArtifact } from './tensafe-mock-crypto.js';
import { clientNotFound, type HandlerGroup, ownClient, routeError } from './tensafe-mock-http.js';
import type { TenSafeMockTrainingClient } from './tensafe-mock-state.js';

type Schemas = components['schemas'];

/**
 * The training primitives of a training client: forward_backward and optim_step queue futures;
 * sample, save_state and load_state answer at once. The body is checked (by `route`) before the
 * client is looked up, as FastAPI validates before the route runs.
 */
export const stepHandlers: HandlerGroup = ({ v1, state, route, queueCapacity }) => {
  /** A POST on `/training_clients/{id}/<operation>`: its body checked by the route, then the tenant's client found. */
  const primitive = <Body>(operation: string, handle: (body: Body, client: TenSafeMockTrainingClient) => Promise<Response> | Response) =>
    http.post(
      `${v1}/training_clients/:trainingClientId/${operation}`,
      route<Body>(
        ({ params, tenantId, body }) => {
          const client = ownClient(state, tenantId, params.trainingClientId);
          return client ? handle(body, client) : clientNotFound(params.trainingClientId);
        },
        { body: `POST /v1/training_clients/{training_client_id}/${operation}` },
      ),
    );

  return [
    ...(['forward_backward', 'optim_step'] as const).map((operation) =>
      primitive<Record<string, unknown>>(operation, (body, client) => {
        if (state.queued(client.info.tenant_id) >= queueCapacity) {
          return routeError(503, 'QUEUE_FULL', `Job queue is full (${queueCapacity} unfinished jobs)`);
        }
        return HttpResponse.json(state.submit(client, operation, body).response, { status: 202 });
      }),
    ),
    primitive<Schemas['SampleRequest']>('sample', (body, client) => HttpResponse.json(state.sample(client, body))),
    primitive<Schemas['SaveStateRequest']>('save_state', async (body, client) => {
      const artifact = await state.saveState(client, body);
      const dp = client.info.dp_metrics ?? null;
      return HttpResponse.json({
        artifact_id: artifact.artifact_id,
        artifact_type: 'checkpoint',
        size_bytes: artifact.size_bytes,
        encryption: { algorithm: 'AES-256-GCM', key_id: artifact.key_id },
        content_hash: artifact.content_hash,
        metadata: { ...body.metadata, ...(dp ? { dp_metrics: dp } : {}) },
        created_at: artifact.created_at,
        dp_metrics: dp,
      });
    }),
    primitive<Schemas['LoadStateRequest']>('load_state', async (body, client) => {
      const artifact = state.artifacts.get(body.artifact_id);
      if (!artifact || artifact.tenant_id !== client.info.tenant_id) {
        return routeError(404, 'ARTIFACT_NOT_FOUND', `Artifact '${body.artifact_id}' not found`);
      }
      // Really decrypt: GCM authenticates the ciphertext and the AAD (artifact|tenant|client).
      await decryptArtifact(artifact.key, artifact.nonce, artifact.aad, artifact.ciphertext);
      client.info.step = artifact.step;
      state.audit(client.info.tenant_id, client.info.training_client_id, 'load_state', body, { consumed: [artifact.artifact_id] });
      return HttpResponse.json({
        training_client_id: client.info.training_client_id,
        loaded_artifact_id: artifact.artifact_id,
        step: artifact.step,
        // The training client's own status, as the server answers.
        status: client.info.status,
      });
    }),
  ];
};
