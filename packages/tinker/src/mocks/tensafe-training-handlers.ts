import { HttpResponse, http } from 'msw';
import type { components } from '../generated/tensafe.js';
import { clientNotFound, type HandlerGroup, ownClient } from './tensafe-mock-http.js';

type Schemas = components['schemas'];

/** Training clients: create, list, get, and the documented delete the server does not serve. */
export const trainingClientHandlers: HandlerGroup = ({ v1, state, route }) => [
  http.post(
    `${v1}/training_clients`,
    route<Schemas['TrainingConfig']>(
      // The create answer carries no DP metrics, even for a DP client.
      ({ tenantId, body }) => HttpResponse.json({ ...state.createTrainingClient(tenantId, body).info, dp_metrics: null }, { status: 201 }),
      { body: 'POST /v1/training_clients' },
    ),
  ),
  // Every client of the tenant, oldest first: the server reads neither `status` nor `limit` (the
  // client applies them), and lists no DP metrics.
  http.get(
    `${v1}/training_clients`,
    route(({ tenantId }) =>
      HttpResponse.json(
        [...state.trainingClients.values()]
          .filter((client) => client.info.tenant_id === tenantId)
          .map((client) => ({ ...client.info, dp_metrics: null })),
      ),
    ),
  ),
  http.get(
    `${v1}/training_clients/:trainingClientId`,
    route(({ params, tenantId }) => {
      const client = ownClient(state, tenantId, params.trainingClientId);
      return client ? HttpResponse.json(client.info) : clientNotFound(params.trainingClientId, true);
    }),
  ),
  // Documented (service-client.md); the reference server has no such route and answers 405.
  http.delete(
    `${v1}/training_clients/:trainingClientId`,
    route(({ params, tenantId }) => {
      const client = ownClient(state, tenantId, params.trainingClientId);
      if (!client) return clientNotFound(params.trainingClientId);
      state.deleteTrainingClient(client);
      return new HttpResponse(null, { status: 204 });
    }, {}),
  ),
];
