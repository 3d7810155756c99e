"""The real TenSafe SDK (`tg_tinker`) against a TenSafe server: every ServiceClient method of seed 000
(the SDK's own signatures) and its training client's, plus the error paths a user meets first.

Usage: drive_tg_tinker.py '{"base_url": ".../api", "api_key": ..., "deadline": 30}'
"""

import httpx

from oracle_driver import Driver, arguments


def main() -> None:
    config = arguments()
    deadline = float(config.get("deadline", 30))
    driver = Driver()

    from tg_tinker import DPConfig, LoRAConfig, ServiceClient, TrainingConfig

    service = driver.call("service.__init__", lambda: ServiceClient(base_url=config["base_url"], api_key=config["api_key"]), deadline)
    if service is None:
        driver.finish()

    def saw(response) -> None:
        driver.saw(response.request.method, response.request.url.path, response.status_code)

    # Instrumentation only: the SDK's own httpx client reports each status it receives.
    service._http_client.event_hooks["response"].append(saw)

    def reconnect() -> None:
        # The server drops the keep-alive connection after each unhandled 500 (a listed upstream
        # defect; one call below shows it): give the SDK a fresh connection so that the next call
        # tests itself, not that defect.
        old = service._http_client
        service._http_client = httpx.Client(base_url=old.base_url, headers=old.headers, timeout=old.timeout, event_hooks=old.event_hooks)
        old.close()

    driver.after_server_error = reconnect

    driver.call("service.tenant_id", lambda: service.tenant_id, deadline)
    driver.call("service.config", lambda: service.config, deadline)
    training = driver.call(
        "service.create_training_client",
        lambda: service.create_training_client(TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=16))),
        deadline,
    )
    private = driver.call(
        "service.create_training_client (dp)",
        lambda: service.create_training_client(
            TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=8), dp_config=DPConfig(enabled=True))
        ),
        deadline,
    )
    driver.call("service.list_training_clients", service.list_training_clients, deadline)
    training_id = training.id if training is not None else "tc-missing"
    driver.call("service.get_training_client", lambda: service.get_training_client(training_id), deadline)
    driver.call("service.get_training_client (unknown id)", lambda: service.get_training_client("tc-00000000-0000-0000-0000-000000000000"), deadline)

    batch = {"input_ids": [[101, 102, 103]], "attention_mask": [[1, 1, 1]], "labels": [[102, 103, 104]]}
    future = driver.call("training.forward_backward", lambda: training.forward_backward(batch), deadline, needs=training)
    driver.call("future.status", lambda: future.status(), deadline, needs=future)
    driver.call("service.get_future", lambda: service.get_future(future.future_id), deadline, needs=future)
    driver.call("future.result", lambda: future.result(timeout=deadline - 5), deadline, needs=future, recover=False)
    driver.call("service.list_training_clients (right after a 500)", service.list_training_clients, deadline)
    step = driver.call("training.optim_step", lambda: training.optim_step(), deadline, needs=training)
    driver.call("future.result (optim_step)", lambda: step.result(timeout=deadline - 5), deadline, needs=step)
    private_future = driver.call("training.forward_backward (dp)", lambda: private.forward_backward(batch), deadline, needs=private)
    driver.call("future.result (dp)", lambda: private_future.result(timeout=deadline - 5), deadline, needs=private_future)
    doomed = driver.call("training.forward_backward (to cancel)", lambda: training.forward_backward(batch), deadline, needs=training)
    driver.call("future.cancel", lambda: doomed.cancel(), deadline, needs=doomed)
    driver.call("service.get_future (unknown id)", lambda: service.get_future("fut-00000000-0000-0000-0000-000000000000"), deadline)
    driver.call("training.sample", lambda: training.sample(["Hello there"], max_tokens=16), deadline, needs=training)
    saved = driver.call("training.save_state", lambda: training.save_state(metadata={"suite": "oracle"}), deadline, needs=training)
    driver.call("training.load_state", lambda: training.load_state(saved.artifact_id), deadline, needs=saved)
    driver.call("training.refresh", lambda: training.refresh(), deadline, needs=training)
    driver.call("service.pull_artifact", lambda: service.pull_artifact(saved.artifact_id), deadline, needs=saved)
    driver.call("service.get_audit_logs", lambda: service.get_audit_logs(training_client_id=training_id, limit=50), deadline)
    driver.call("service.get_audit_logs (operation)", lambda: service.get_audit_logs(operation="forward_backward", limit=50), deadline)
    driver.call("service.delete_training_client", lambda: service.delete_training_client(training_id), deadline)
    driver.finish()


if __name__ == "__main__":
    main()
