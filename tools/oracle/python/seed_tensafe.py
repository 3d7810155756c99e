"""Make TenSafe data with TenSafe's own SDK (`tg_tinker`), for the conformance suite.

Usage: seed_tensafe.py BASE_URL API_KEY

A training client with a forward_backward and an optim_step queued and run (their futures completed),
a sample and a saved state; a second training client with differential privacy. Prints one JSON
line with the ids.
"""

import json
import sys
import time

from tg_tinker import DPConfig, LoRAConfig, ServiceClient, TrainingConfig


def settle(service: ServiceClient, future_id: str, seconds: float = 30.0) -> str:
    # FutureHandle.result() reads /futures/{id}/result, which this server cannot answer: poll the status only.
    deadline = time.monotonic() + seconds
    while True:
        status = service.get_future(future_id).status
        status = getattr(status, "value", status)
        if status in ("completed", "failed", "cancelled") or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def main() -> None:
    base_url, api_key = sys.argv[1], sys.argv[2]
    with ServiceClient(base_url=base_url, api_key=api_key) as service:
        training = service.create_training_client(TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=16)))
        batch = {"input_ids": [[1, 2, 3, 4]], "attention_mask": [[1, 1, 1, 1]], "labels": [[2, 3, 4, 5]]}
        step = training.forward_backward(batch)
        statuses = [settle(service, step.future_id)]
        optim = training.optim_step()
        statuses.append(settle(service, optim.future_id))
        training.sample(["The seed prompt"], max_tokens=8)
        saved = training.save_state(metadata={"seeded": True})
        private = service.create_training_client(
            TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=8), dp_config=DPConfig(enabled=True))
        )
        print(
            json.dumps(
                {
                    "training_client_id": training.id,
                    "private_training_client_id": private.id,
                    "future_ids": [step.future_id, optim.future_id],
                    "future_statuses": statuses,
                    "artifact_id": saved.artifact_id,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
