import type { TenSafeMockState } from './tensafe-mock-state.js';

/**
 * A realistic handful for the tenant: clients in several states (made at once), and a trained one
 * with DP whose checkpoint is saved. Encryption is asynchronous: the returned promise is `state.ready`.
 */
export function seedTenSafeMock(state: TenSafeMockState, tenantId: string, count: number): Promise<void> {
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const models = ['meta-llama/Llama-3-8B', 'mistralai/Mistral-7B-v0.3', 'Qwen/Qwen2.5-7B'];
  const statuses = ['ready', 'terminated', 'error'] as const;
  const clients = Array.from({ length: count }, (_, index) => {
    const client = state.createTrainingClient(
      tenantId,
      {
        model_ref: models[index % models.length] as string,
        lora_config: { rank: 16 },
        ...(index === 0 ? { dp_config: { enabled: true, noise_multiplier: 1, target_epsilon: 8 } } : {}),
      },
      start + index * 60_000,
    );
    client.info.status = statuses[index % statuses.length] as (typeof statuses)[number];
    return client;
  });
  const trained = clients[0];
  if (!trained) return Promise.resolve();
  trained.info.step = 3;
  trained.epsilon = 1.5;
  trained.info.dp_metrics = { total_epsilon: 1.5, delta: 1e-5, num_steps: 3 };
  return state.saveState(trained, { include_optimizer: true, metadata: { note: 'seeded' } }, start + 3_600_000).then(() => undefined);
}
