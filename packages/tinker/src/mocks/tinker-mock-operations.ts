import { detail, seededUuid } from '@trainwire/core/mock-kit';
import { HttpResponse, type RequestHandler } from 'msw';
import type { components } from '../generated/tinker.js';
import type { TinkerMockContext } from './tinker-mock-context.js';
import { acceptsProtobuf, encodeResult, PROTOBUF_MEDIA_TYPE, readForwardBackward } from './tinker-mock-protobuf.js';
import { addCheckpoint, addModel, SUPPORTED_MODELS } from './tinker-mock-state.js';
import { batchProblem, forwardOutput, sampleOutput } from './tinker-mock-training.js';

type Schemas = components['schemas'];

/** The session, training, sampling and retrieve_future endpoints of the Tinker mock. */
export function tinkerOperationHandlers(context: TinkerMockContext): RequestHandler[] {
  const {
    http,
    base,
    state,
    owner,
    random,
    pollsUntilDone,
    inlineResultLimit,
    byPath,
    json,
    once,
    newFuture,
    settle,
    userError,
    trainingModel,
    submitted,
  } = context;
  return [
    http.get(`${base}/get_server_capabilities`, () => HttpResponse.json({ supported_models: SUPPORTED_MODELS })),
    http.post(`${base}/create_session`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        if (body?.type !== 'create_session' || !Array.isArray(body.tags)) return detail(400, 'Invalid create_session request');
        const now = new Date().toISOString();
        const session = {
          session_id: seededUuid(random),
          owner,
          project_id: typeof body.project_id === 'string' ? body.project_id : undefined,
          tags: body.tags as string[],
          created_at: now,
          last_heartbeat: now,
          training_run_ids: [],
          sampler_ids: [],
        };
        state.sessions.set(session.session_id, session);
        return HttpResponse.json({ type: 'create_session', session_id: session.session_id });
      }),
    ),
    http.post(`${base}/session_heartbeat`, async ({ request }) => {
      const body = await json(request);
      const session = state.sessions.get(String(body?.session_id));
      if (!session) return detail(404, `Session ${String(body?.session_id)} not found`);
      session.last_heartbeat = new Date().toISOString();
      return HttpResponse.json({ type: 'session_heartbeat' });
    }),
    http.post(`${base}/create_model`, ({ request }) =>
      once(request, async () => {
        const body = (await json(request)) as Schemas['CreateModelRequest'] | undefined;
        const session = state.sessions.get(String(body?.session_id));
        if (!body || !session) return detail(404, `Session ${String(body?.session_id)} not found`);
        if (!body.lora_config || !Number.isInteger(body.lora_config.rank)) return detail(400, 'lora_config.rank is required');
        const modelId = `${session.session_id}:train:${body.model_seq_id}`;
        if (state.models.has(modelId)) return detail(400, `model_seq_id ${body.model_seq_id} is already used in this session`);
        const future = newFuture('CreateModel', () => {
          if (!SUPPORTED_MODELS.some((model) => model.model_name === body.base_model)) {
            return userError(`Base model ${body.base_model} is not supported; see get_server_capabilities`);
          }
          addModel(state, session, body.base_model, body.lora_config, Date.now(), body.user_metadata, body.model_seq_id);
          return { result: { model_id: modelId, type: 'create_model' } };
        });
        return submitted(future, modelId);
      }),
    ),
    http.post(`${base}/get_info`, async ({ request }) => {
      const body = await json(request);
      const model = state.models.get(String(body?.model_id));
      if (!model) return detail(404, `Model ${String(body?.model_id)} not found`);
      return HttpResponse.json({
        type: 'get_info',
        model_id: model.run.training_run_id,
        model_data: { arch: 'transformer', model_name: model.run.base_model, tokenizer_id: model.run.base_model },
        is_lora: true,
        lora_rank: model.lora_config.rank,
        model_name: model.run.base_model,
      });
    }),
    ...(['forward_backward', 'forward'] as const).map((route) =>
      http.post(`${base}/${route}`, ({ request }) =>
        once(request, async () => {
          const read = await readForwardBackward(request, route, json);
          if ('error' in read) return read.error;
          const { body, input, forwardOnly } = read;
          const model = trainingModel(body);
          if (!model) return detail(404, `Model ${String(body.model_id)} not found`);
          const future = newFuture(
            forwardOnly ? 'Forward' : 'ForwardBackward',
            () => {
              const problem = batchProblem(input);
              if (problem) return userError(problem);
              if (!forwardOnly) model.gradients = true;
              return { result: forwardOutput(model, input) };
            },
            { model, seq_id: body.seq_id },
          );
          return submitted(future);
        }),
      ),
    ),
    http.post(`${base}/optim_step`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const model = body && trainingModel(body);
        if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
        const adam = (body.adam_params ?? {}) as Schemas['AdamParams'];
        const future = newFuture(
          'OptimStep',
          () => {
            const result = { metrics: { learning_rate: adam.learning_rate ?? 1e-4, grad_norm: model.gradients ? 1.25 : 0 } };
            if (model.gradients) model.steps += 1;
            model.gradients = false;
            return { result };
          },
          { model, seq_id: body.seq_id },
        );
        return submitted(future);
      }),
    ),
    ...(['save_weights', 'save_weights_for_sampler'] as const).map((route) =>
      http.post(`${base}/${route}`, ({ request }) =>
        once(request, async () => {
          const body = await json(request);
          const model = body && trainingModel(body);
          if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
          const kind = route === 'save_weights' ? 'weights' : 'sampler_weights';
          const type = route === 'save_weights' ? 'SaveWeights' : 'SaveWeightsForSampler';
          if (route === 'save_weights_for_sampler' && body.path === undefined) {
            // No name: the weights go straight into a new sampling session.
            const session = state.sessions.get(model.session_id);
            const samplerId = `${model.session_id}:sample:${Number(body.sampling_session_seq_id ?? session?.sampler_ids.length ?? 0)}`;
            const future = newFuture(
              type,
              () => {
                const sampler = { sampler_id: samplerId, base_model: model.run.base_model, model_path: null, session_id: model.session_id };
                state.samplers.set(samplerId, sampler);
                session?.sampler_ids.push(samplerId);
                return { result: { sampling_session_id: samplerId, type: route } };
              },
              { model, seq_id: body.seq_id },
            );
            return submitted(future);
          }
          const name = typeof body.path === 'string' ? body.path : String(model.checkpoints.length + 1).padStart(4, '0');
          const tinkerPath = `tinker://${model.run.training_run_id}/${kind}/${name}`;
          const future = newFuture(
            type,
            () => {
              const exists = model.checkpoints.some((item) => item.checkpoint_id === `${kind}/${name}`);
              if (exists && body.overwrite !== true) {
                return userError(`Checkpoint ${tinkerPath} already exists; pass overwrite to replace it`);
              }
              const ttl = typeof body.ttl_seconds === 'number' ? body.ttl_seconds : undefined;
              addCheckpoint(state, model, kind, name, Date.now(), 4_000_000 * model.lora_config.rank, ttl);
              return { result: { path: tinkerPath, type: route } };
            },
            { model, seq_id: body.seq_id },
          );
          return submitted(future);
        }),
      ),
    ),
    http.post(`${base}/load_weights`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const model = body && trainingModel(body);
        if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
        const path = String(body.path);
        const future = newFuture(
          'LoadWeights',
          () => {
            const found = byPath(path);
            if (found.error) return userError(`Cannot load ${path}: not found or not accessible`);
            if (found.checkpoint.checkpoint_type !== 'training') {
              return userError(`${path} holds sampler weights; load a weights/ checkpoint`);
            }
            return { result: { path, model_id: model.run.training_run_id, type: 'load_weights' } };
          },
          { model, seq_id: body.seq_id },
        );
        return submitted(future);
      }),
    ),
    http.post(`${base}/create_sampling_session`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const session = state.sessions.get(String(body?.session_id));
        if (!body || !session) return detail(404, `Session ${String(body?.session_id)} not found`);
        let baseModel = typeof body.base_model === 'string' ? body.base_model : undefined;
        const modelPath = typeof body.model_path === 'string' ? body.model_path : null;
        if (modelPath) {
          const found = byPath(modelPath);
          if (found.error) return found.error;
          baseModel = found.model.run.base_model;
        } else if (!SUPPORTED_MODELS.some((model) => model.model_name === baseModel)) {
          return detail(400, `Base model ${String(baseModel)} is not supported`);
        }
        const samplerId = `${session.session_id}:sample:${Number(body.sampling_session_seq_id)}`;
        state.samplers.set(samplerId, {
          sampler_id: samplerId,
          base_model: baseModel ?? '',
          model_path: modelPath,
          session_id: session.session_id,
        });
        session.sampler_ids.push(samplerId);
        return HttpResponse.json({ type: 'create_sampling_session', sampling_session_id: samplerId });
      }),
    ),
    http.post(`${base}/asample`, ({ request }) =>
      once(request, async () => {
        const body = (await json(request)) as Schemas['SampleRequest'] | undefined;
        if (!body?.prompt || !body.sampling_params) return detail(400, 'Invalid sample request');
        // Limits of the mock (a real deployment has its own): they keep a huge request from filling memory.
        if ((body.num_samples ?? 1) > 128) return detail(400, 'num_samples must be at most 128');
        if ((body.sampling_params.max_tokens ?? 16) > 8192) return detail(400, 'max_tokens must be at most 8192');
        if ((body.topk_prompt_logprobs ?? 0) > 100) return detail(400, 'topk_prompt_logprobs must be at most 100');
        if (body.sampling_session_id !== undefined && !state.samplers.has(body.sampling_session_id)) {
          return detail(404, `Sampling session ${body.sampling_session_id} not found`);
        }
        const future = newFuture('Sample', () => ({ result: sampleOutput(body, context.nextSampleSeed()) }));
        return submitted(future);
      }),
    ),
    http.post(`${base}/retrieve_future`, async ({ request }) => {
      const body = await json(request);
      const future = state.futures.get(String(body?.request_id));
      if (!future) return detail(404, `Future ${String(body?.request_id)} not found`);
      if (future.expired) return detail(410, `Future ${future.request_id} expired; submit the request again`);
      future.polls += 1;
      if (!future.outcome && future.polls <= pollsUntilDone) {
        const pending = {
          type: 'try_again',
          request_id: future.request_id,
          queue_state: state.queueState,
          ...(state.queueStateReason ? { queue_state_reason: state.queueStateReason } : {}),
        };
        // Alternate the two pending answers: a JSON try_again, then the quiet 408 of a long poll that timed out.
        return HttpResponse.json(pending, { status: future.polls % 2 === 0 ? 408 : 200 });
      }
      const outcome = settle(future);
      if ('error' in outcome) return HttpResponse.json(outcome.error);
      // SDK 0.25 asks for sample and forward(-backward) results as protobuf, and refuses them as JSON.
      const protobuf = acceptsProtobuf(request) ? encodeResult(future.type, outcome.result) : undefined;
      const size = protobuf ? protobuf.byteLength : JSON.stringify(outcome.result).length;
      if (size > inlineResultLimit && body?.allow_metadata_only !== false) {
        return HttpResponse.json({ status: 'complete_metadata', response_payload_size: size });
      }
      if (protobuf) return new HttpResponse(protobuf, { headers: { 'Content-Type': PROTOBUF_MEDIA_TYPE } });
      return HttpResponse.json(outcome.result as never);
    }),
  ];
}
