"""The real Tinker SDK (`tinker` 0.25) against a Tinker server: every RestClient method of seed 002,
and a LoRA training client's forward_backward, forward, optim_step, save_state,
save_weights_for_sampler and a sampling client's sample.

Usage: drive_tinker.py '{"base_url": ..., "api_key": ..., "deadline": 30}'
"""

import os

from oracle_driver import Driver, arguments


def main() -> None:
    config = arguments()
    os.environ["TINKER_BASE_URL"] = config["base_url"]
    os.environ["TINKER_API_KEY"] = config["api_key"]
    os.environ.setdefault("TINKER_TELEMETRY", "1")
    deadline = float(config.get("deadline", 30))
    driver = Driver()

    import tinker
    from tinker import types

    service = tinker.ServiceClient()
    rest = driver.call("service.create_rest_client", service.create_rest_client, deadline)
    capabilities = driver.call("service.get_server_capabilities", service.get_server_capabilities, deadline)
    models = [model.model_name for model in getattr(capabilities, "supported_models", None) or [] if model.model_name]
    base_model = models[0] if models else "Qwen/Qwen3-8B"

    training = driver.call(
        "service.create_lora_training_client",
        lambda: service.create_lora_training_client(base_model=base_model, rank=16, user_metadata={"suite": "oracle"}),
        deadline,
    )
    datum = types.Datum(
        model_input=types.ModelInput.from_ints([11, 12, 13, 14]),
        loss_fn_inputs={"target_tokens": [12, 13, 14, 15], "weights": [1.0, 1.0, 1.0, 1.0]},
    )
    fit = lambda loss: training.forward_backward([datum], loss).result()  # noqa: E731
    driver.call("training.forward_backward", lambda: fit("cross_entropy"), deadline, needs=training)
    driver.call("training.forward", lambda: training.forward([datum], "cross_entropy").result(), deadline, needs=training)
    driver.call("training.optim_step", lambda: training.optim_step(types.AdamParams(learning_rate=1e-4)).result(), deadline, needs=training)
    saved = driver.call("training.save_state", lambda: training.save_state("oracle-state").result(), deadline, needs=training)
    state_path = getattr(saved, "path", None)
    for_sampler = driver.call(
        "training.save_weights_for_sampler", lambda: training.save_weights_for_sampler("oracle-sampler").result(), deadline, needs=training
    )
    sampler_path = getattr(for_sampler, "path", None)
    sampling = driver.call(
        "service.create_sampling_client",
        lambda: service.create_sampling_client(model_path=sampler_path) if sampler_path else service.create_sampling_client(base_model=base_model),
        deadline,
    )
    driver.call(
        "sampling.sample",
        lambda: sampling.sample(
            prompt=types.ModelInput.from_ints([1, 2, 3]), num_samples=1, sampling_params=types.SamplingParams(max_tokens=8)
        ).result(),
        deadline,
        needs=sampling,
    )

    runs = driver.call("rest.list_training_runs", lambda: rest.list_training_runs(limit=20).result(), deadline, needs=rest)
    run_id = training.model_id if training is not None else None
    if run_id is None and runs is not None and runs.training_runs:
        run_id = runs.training_runs[0].training_run_id
    run_id = run_id or "missing-run"
    driver.call("rest.get_training_run", lambda: rest.get_training_run(run_id).result(), deadline, needs=rest)
    checkpoints = driver.call("rest.list_checkpoints", lambda: rest.list_checkpoints(run_id).result(), deadline, needs=rest)
    if state_path is None and checkpoints is not None and checkpoints.checkpoints:
        state_path = checkpoints.checkpoints[0].tinker_path
    path = state_path or f"tinker://{run_id}/weights/missing"
    checkpoint_id = path.split("/", 3)[-1]
    driver.call("rest.get_training_run_by_tinker_path", lambda: rest.get_training_run_by_tinker_path(path).result(), deadline, needs=rest)
    driver.call("rest.get_weights_info_by_tinker_path", lambda: rest.get_weights_info_by_tinker_path(path).result(), deadline, needs=rest)
    driver.call("rest.list_user_checkpoints", lambda: rest.list_user_checkpoints(limit=50).result(), deadline, needs=rest)
    driver.call("rest.get_checkpoint_archive_url", lambda: rest.get_checkpoint_archive_url(run_id, checkpoint_id).result(), deadline, needs=rest)
    driver.call(
        "rest.get_checkpoint_archive_url_from_tinker_path", lambda: rest.get_checkpoint_archive_url_from_tinker_path(path).result(), deadline, needs=rest
    )
    driver.call("rest.publish_checkpoint_from_tinker_path", lambda: rest.publish_checkpoint_from_tinker_path(path).result(), deadline, needs=rest)
    driver.call("rest.unpublish_checkpoint_from_tinker_path", lambda: rest.unpublish_checkpoint_from_tinker_path(path).result(), deadline, needs=rest)
    driver.call(
        "rest.set_checkpoint_ttl_from_tinker_path", lambda: rest.set_checkpoint_ttl_from_tinker_path(path, 86400).result(), deadline, needs=rest
    )
    driver.call("rest.get_audit_log", lambda: rest.get_audit_log().result(), deadline, needs=rest)
    sessions = driver.call("rest.list_sessions", lambda: rest.list_sessions(limit=20).result(), deadline, needs=rest)
    session_id = sessions.sessions[0] if sessions is not None and sessions.sessions else "missing-session"
    session = driver.call("rest.get_session", lambda: rest.get_session(session_id).result(), deadline, needs=rest)
    driver.call("rest.assign_session_project", lambda: rest.assign_session_project(session_id, "oracle-project").result(), deadline, needs=rest)
    sampler_ids = getattr(session, "sampler_ids", None) or []
    sampler_id = sampler_ids[0] if sampler_ids else f"{session_id}:sample:0"
    driver.call("rest.get_sampler", lambda: rest.get_sampler(sampler_id).result(), deadline, needs=rest)

    # Deletions last, on checkpoints saved for them.
    doomed = []
    for name in ("oracle-delete-a", "oracle-delete-b"):
        saved = driver.call(f"training.save_state ({name})", lambda name=name: training.save_state(name).result(), deadline, needs=training)
        doomed.append(getattr(saved, "path", None) or f"tinker://{run_id}/weights/{name}")
    driver.call("rest.delete_checkpoint", lambda: rest.delete_checkpoint(run_id, doomed[0].split("/", 3)[-1]).result(), deadline, needs=rest)
    driver.call("rest.delete_checkpoint_from_tinker_path", lambda: rest.delete_checkpoint_from_tinker_path(doomed[1]).result(), deadline, needs=rest)
    driver.finish()


if __name__ == "__main__":
    main()
