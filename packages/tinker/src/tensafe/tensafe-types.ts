import type { components } from '../generated/tensafe.js';

type Schemas = components['schemas'];

/** `tg_tinker.TrainingConfig`: what a training client is created from. */
export type TrainingConfig = Schemas['TrainingConfig'];
export type LoRAConfig = Schemas['LoRAConfig'];
export type OptimizerConfig = Schemas['OptimizerConfig'];
export type DPConfig = Schemas['DPConfig'];
/** `tg_tinker.TrainingClientInfo`, as `GET /v1/training_clients/{id}` returns it. */
export type TrainingClientInfo = Schemas['TrainingClientInfo'];
export type TrainingClientStatus = Schemas['TrainingClientStatus'];
export type Batch = Schemas['Batch'];
export type FutureResponse = Schemas['FutureResponse'];
export type FutureResultResponse = Schemas['FutureResultResponse'];
export type FutureStatus = Schemas['FutureStatus'];
export type FutureOperation = Schemas['FutureOperation'];
export type DPMetrics = Schemas['DPMetrics'];
export type ForwardBackwardResult = Schemas['ForwardBackwardResult'];
export type OptimStepResult = Schemas['OptimStepResult'];
export type SampleResult = Schemas['SampleResult'];
export type SaveStateResult = Schemas['SaveStateResult'];
export type LoadStateResult = Schemas['LoadStateResult'];
/** Any value a future can resolve with. */
export type FutureResult = NonNullable<FutureResultResponse['result']>;
/** Documented `list_training_clients(status=...)` filter values. */
export type TrainingClientListStatus = 'active' | 'completed' | 'failed';
