"""Drive the real Tinker Python SDK (`tinker` 0.25) against a Tinker server and report each call.

The calls are every RestClient method of seed 002, and the training and sampling path:
create_lora_training_client, forward_backward, forward, optim_step, save_state,
save_weights_for_sampler, a sampling client's sample; then whether the SDK's telemetry was
accepted. Each call is checked for what it returns, not only for not raising.

Usage (e.g. in the trixie chroot, with the SDK's src/ and a tinker-0.25.0.dist-info on PYTHONPATH):

    tinker_sdk_driver.py --base-url http://127.0.0.1:PORT/tinker [--api-key tml-mock-key] [--deadline 60]
        prints `PASS <call> (<ms> ms)` or `FAIL <call> (<ms> ms): <why>` per call, and a summary;
        exits 1 if any call failed.
    tinker_sdk_driver.py '{"base_url": "...", "api_key": "...", "deadline": 60}'
        the conformance harness's form: the same lines, plus one `@@oracle {json}` line per call
        event (`begin`, then `end` with call, ok, ms, http, value or error), and exit 0 (a failed
        call is a result, not a crash).

No request is answered by hand: the SDK talks only to the server at the base URL.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
import traceback
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

# Any SDK call may retry for minutes against a broken server; each is given up after its deadline.
DEFAULT_DEADLINE = 60.0
# The archive URL calls wait 30 s (the SDK's own sleep) when the server answers 503 while building it.
ARCHIVE_DEADLINE = 100.0


class Failed(Exception):
    """A call returned, but not what the SDK's caller was promised."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


class Report:
    """Runs each call in a thread with a deadline, and prints its outcome."""

    def __init__(self, emit_json: bool) -> None:
        self.emit_json = emit_json
        self.lock = threading.Lock()
        self.http: list[list[Any]] = []
        self.results: list[tuple[str, bool]] = []

    def saw(self, method: str, url: str, status: Any) -> None:
        with self.lock:
            self.http.append([method, urlsplit(url).path, status])

    def _event(self, record: dict) -> None:
        if self.emit_json:
            sys.stdout.write("@@oracle " + json.dumps(record, default=str) + "\n")
            sys.stdout.flush()

    def call(self, name: str, function: Callable[[], Any], deadline: float = DEFAULT_DEADLINE, needs: Any = True) -> Optional[Any]:
        """Run `function`; its value, or None when it failed (reported). Not run when `needs` is None."""
        if needs is None:
            return self._end(name, 0, [], error=("NotReached", "an earlier call it depends on failed"))
        with self.lock:
            self.http = []
        self._event({"event": "begin", "call": name})
        outcome: dict = {}

        def run() -> None:
            try:
                outcome["value"] = function()
            except BaseException as error:  # noqa: BLE001 - any failure is the call's outcome
                outcome["error"] = error
                outcome["trace"] = traceback.format_exc(limit=8)

        started = time.monotonic()
        worker = threading.Thread(target=run, name=name, daemon=True)
        worker.start()
        worker.join(deadline)
        elapsed = int((time.monotonic() - started) * 1000)
        with self.lock:
            http = list(self.http)
        if worker.is_alive():
            return self._end(name, elapsed, http, error=("Deadline", f"no answer after {deadline:g} s"))
        if "error" in outcome:
            error = outcome["error"]
            kind = f"{type(error).__module__.split('.')[0]}.{type(error).__name__}"
            return self._end(name, elapsed, http, error=(kind, " ".join(str(error).split())[:500]), trace=outcome["trace"])
        return self._end(name, elapsed, http, value=outcome.get("value"))

    def _end(self, name: str, ms: int, http: list, value: Any = None, error: Optional[tuple] = None, trace: str = "") -> Optional[Any]:
        ok = error is None
        self.results.append((name, ok))
        record: dict = {"event": "end", "call": name, "ok": ok, "ms": ms, "http": http}
        if ok:
            record["value"] = summary(value)
            print(f"PASS {name} ({ms} ms)", flush=True)
        else:
            record["error"] = {"type": error[0], "message": error[1], "trace": trace[-1500:]}
            print(f"FAIL {name} ({ms} ms): {error[0]}: {error[1]}", flush=True)
        self._event(record)
        return value if ok else None


def summary(value: Any) -> Any:
    """A JSON-safe view of a result (pydantic models dumped, the rest named)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            return json.loads(json.dumps(dump(mode="json"), default=str))
        except Exception:  # noqa: BLE001 - a view only
            pass
    if isinstance(value, (list, tuple)):
        return [summary(item) for item in value[:20]]
    return {"$object": type(value).__qualname__}


def watch_http(report: Report) -> None:
    """Record every request the SDK sends through httpx (method, path, status)."""
    import httpx

    original = httpx.AsyncClient.send

    async def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = await original(self, request, *args, **kwargs)
        except BaseException as error:
            report.saw(request.method, str(request.url), type(error).__name__)
            raise
        report.saw(request.method, str(request.url), response.status_code)
        return response

    httpx.AsyncClient.send = send  # type: ignore[method-assign]


class LogCounter(logging.Handler):
    """Counts the SDK's warnings about telemetry it could not send."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.telemetry_failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "telemetry" in record.getMessage().lower():
            self.telemetry_failures += 1


def settings() -> tuple[dict, bool]:
    """The run's settings, and whether they came as the harness's JSON argument."""
    if len(sys.argv) == 2 and sys.argv[1].lstrip().startswith("{"):
        return json.loads(sys.argv[1]), True
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the server's base URL, e.g. http://127.0.0.1:4010/tinker")
    parser.add_argument("--api-key", default=os.environ.get("TINKER_API_KEY", "tml-mock-key"))
    parser.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE, help="seconds each call may take")
    options = parser.parse_args()
    return {"base_url": options.base_url, "api_key": options.api_key, "deadline": options.deadline}, False


def main() -> int:
    config, harness = settings()
    os.environ["TINKER_BASE_URL"] = config["base_url"]
    os.environ["TINKER_API_KEY"] = config["api_key"]
    os.environ.setdefault("TINKER_TELEMETRY", "1")
    deadline = float(config.get("deadline", DEFAULT_DEADLINE))
    report = Report(emit_json=harness)
    watch_http(report)
    logs = LogCounter()
    logging.getLogger("tinker").addHandler(logs)

    import tinker
    from tinker import types

    service = tinker.ServiceClient()
    call = report.call

    # Start-up: client/config (pyqwest off) and dynamic config, for the REST holder.
    rest = call("service.create_rest_client", service.create_rest_client, deadline)

    def capabilities() -> Any:
        answer = service.get_server_capabilities()
        expect(len(answer.supported_models) > 0, "no supported models")
        return answer

    models = call("service.get_server_capabilities", capabilities, deadline)
    base_model = next((model.model_name for model in models.supported_models if model.model_name), None) if models else None
    base_model = base_model or "Qwen/Qwen3-8B"

    # Training: a session, a LoRA run, and its futures (protobuf forward passes in 0.25).
    def create_training() -> Any:
        client = service.create_lora_training_client(base_model=base_model, rank=16, user_metadata={"driver": "tinker_sdk_driver"})
        expect(":train:" in client.model_id, f"unexpected model id {client.model_id!r}")
        return client

    training = call("service.create_lora_training_client", create_training, deadline)
    tokens = [11, 12, 13, 14]
    datum = types.Datum(
        model_input=types.ModelInput.from_ints(tokens),
        loss_fn_inputs={
            "target_tokens": types.TensorData(data=[12, 13, 14, 15], dtype="int64"),
            "weights": types.TensorData(data=[1.0, 1.0, 1.0, 0.5], dtype="float32"),
        },
    )

    def pass_over(forward_only: bool) -> Callable[[], Any]:
        def run() -> Any:
            future = training.forward([datum], "cross_entropy") if forward_only else training.forward_backward([datum], "cross_entropy")
            output = future.result()
            expect(len(output.loss_fn_outputs) == 1, f"{len(output.loss_fn_outputs)} outputs for 1 datum")
            logprobs = output.loss_fn_outputs[0]["logprobs"]
            expect(len(logprobs.data) == len(tokens), f"{len(logprobs.data)} logprobs for {len(tokens)} tokens")
            expect(any(key.startswith("loss") for key in output.metrics), f"no loss metric in {output.metrics}")
            return output

        return run

    call("training.forward_backward", pass_over(False), deadline, needs=training)
    call("training.forward", pass_over(True), deadline, needs=training)
    call("training.optim_step", lambda: training.optim_step(types.AdamParams(learning_rate=1e-4)).result(), deadline, needs=training)

    def save(name: str) -> Callable[[], Any]:
        def run() -> Any:
            saved = training.save_state(name).result()
            expect(saved.path == f"tinker://{training.model_id}/weights/{name}", f"saved as {saved.path!r}")
            return saved

        return run

    saved = call("training.save_state", save("driver-state"), deadline, needs=training)
    path = saved.path if saved else None
    run_id = training.model_id if training else None
    checkpoint_id = path.split("/", 3)[-1] if path else None
    # The archive is built on first request (503, then the SDK sleeps 30 s): start it now, read it later.
    archive = rest.get_checkpoint_archive_url(run_id, checkpoint_id) if rest and path else None

    def save_for_sampler() -> Any:
        saved = training.save_weights_for_sampler("driver-sampler").result()
        expect(saved.path == f"tinker://{training.model_id}/sampler_weights/driver-sampler", f"saved as {saved.path!r}")
        return saved

    for_sampler = call("training.save_weights_for_sampler", save_for_sampler, deadline, needs=training)
    sampling = call(
        "service.create_sampling_client",
        lambda: service.create_sampling_client(model_path=for_sampler.path),
        deadline,
        needs=for_sampler,
    )

    def sample() -> Any:
        prompt = types.ModelInput.from_ints([1, 2, 3])
        params = types.SamplingParams(max_tokens=5, temperature=0.7)
        result = sampling.sample(prompt=prompt, num_samples=2, sampling_params=params, include_prompt_logprobs=True, topk_prompt_logprobs=2)
        result = result.result()
        expect(len(result.sequences) == 2, f"{len(result.sequences)} sequences for num_samples=2")
        expect(all(len(sequence.tokens) == 5 for sequence in result.sequences), "a sequence is not max_tokens long")
        expect(result.prompt_logprobs is not None and len(result.prompt_logprobs) == 3, f"prompt_logprobs {result.prompt_logprobs}")
        expect(result.prompt_logprobs[0] is None, "the first prompt token has a logprob")
        expect(result.topk_prompt_logprobs is not None and len(result.topk_prompt_logprobs[1]) == 2, "top-2 prompt logprobs missing")
        return result

    call("sampling.sample", sample, deadline, needs=sampling)
    call("sampling.get_base_model", lambda: sampling.get_base_model(), deadline, needs=sampling)

    # Every RestClient method of seed 002.
    def listed_runs() -> Any:
        page = rest.list_training_runs(limit=50).result()
        expect(any(item.training_run_id == run_id for item in page.training_runs), f"{run_id} not listed")
        return page

    call("rest.list_training_runs", listed_runs, deadline, needs=rest and run_id)
    call("rest.get_training_run", lambda: rest.get_training_run(run_id).result(), deadline, needs=rest and run_id)
    call("rest.get_training_run_by_tinker_path", lambda: rest.get_training_run_by_tinker_path(path).result(), deadline, needs=rest and path)

    def weights_info() -> Any:
        info = rest.get_weights_info_by_tinker_path(path).result()
        expect(info.base_model == base_model and info.lora_rank == 16, f"weights info {info}")
        return info

    call("rest.get_weights_info_by_tinker_path", weights_info, deadline, needs=rest and path)

    def listed_checkpoints() -> Any:
        listed = rest.list_checkpoints(run_id).result()
        ids = {item.checkpoint_id for item in listed.checkpoints}
        expect({"weights/driver-state", "sampler_weights/driver-sampler"} <= ids, f"checkpoints {sorted(ids)}")
        return listed

    call("rest.list_checkpoints", listed_checkpoints, deadline, needs=rest and run_id)
    call("rest.list_user_checkpoints", lambda: rest.list_user_checkpoints(limit=20).result(), deadline, needs=rest)

    def archive_url(future: Any) -> Callable[[], Any]:
        def run() -> Any:
            answer = future.result()
            expect(answer.url.startswith("http"), f"archive url {answer.url!r}")
            return answer

        return run

    call("rest.get_checkpoint_archive_url", archive_url(archive) if archive else None, ARCHIVE_DEADLINE, needs=archive)
    call(
        "rest.get_checkpoint_archive_url_from_tinker_path",
        lambda: archive_url(rest.get_checkpoint_archive_url_from_tinker_path(path))(),
        ARCHIVE_DEADLINE,
        needs=rest and path,
    )
    call("rest.publish_checkpoint_from_tinker_path", lambda: rest.publish_checkpoint_from_tinker_path(path).result(), deadline, needs=rest and path)

    def published(public: bool) -> Callable[[], Any]:
        def check() -> Any:
            found = [item for item in rest.list_checkpoints(run_id).result().checkpoints if item.tinker_path == path]
            expect(len(found) == 1 and found[0].public is public, f"public is not {public}: {found}")

        return check

    call("rest.publish_checkpoint_from_tinker_path (listed public)", published(True), deadline, needs=rest and path)
    call("rest.unpublish_checkpoint_from_tinker_path", lambda: rest.unpublish_checkpoint_from_tinker_path(path).result(), deadline, needs=rest and path)
    call("rest.unpublish_checkpoint_from_tinker_path (listed private)", published(False), deadline, needs=rest and path)
    call("rest.set_checkpoint_ttl_from_tinker_path", lambda: rest.set_checkpoint_ttl_from_tinker_path(path, 86400).result(), deadline, needs=rest and path)
    call("rest.set_checkpoint_ttl_from_tinker_path (None)", lambda: rest.set_checkpoint_ttl_from_tinker_path(path, None).result(), deadline, needs=rest and path)
    call("rest.get_audit_log", lambda: rest.get_audit_log().result(), deadline, needs=rest)

    session_id = service.holder.get_session_id() if training else None

    def listed_sessions() -> Any:
        page = rest.list_sessions(limit=50).result()
        expect(session_id in page.sessions, f"session {session_id} not listed")
        return page

    call("rest.list_sessions", listed_sessions, deadline, needs=rest and session_id)

    def session() -> Any:
        found = rest.get_session(session_id).result()
        expect(run_id in found.training_run_ids, f"{run_id} not in {found.training_run_ids}")
        expect(sampling is None or sampling._sampling_session_id in found.sampler_ids, f"sampler not in {found.sampler_ids}")
        return found

    call("rest.get_session", session, deadline, needs=rest and session_id)
    call("rest.assign_session_project", lambda: rest.assign_session_project(session_id, "driver-project").result(), deadline, needs=rest and session_id)

    def sampler() -> Any:
        found = rest.get_sampler(sampling._sampling_session_id).result()
        expect(found.base_model == base_model and found.model_path == for_sampler.path, f"sampler {found}")
        return found

    call("rest.get_sampler", sampler, deadline, needs=rest and sampling)

    # Deletions, on checkpoints saved for them.
    doomed = [call(f"training.save_state ({name})", save(name), deadline, needs=training) for name in ("driver-delete-a", "driver-delete-b")]

    def deleted(delete: Callable[[], Any], target: Any) -> Callable[[], Any]:
        def run() -> Any:
            delete()
            left = {item.tinker_path for item in rest.list_checkpoints(run_id).result().checkpoints}
            expect(target.path not in left, f"{target.path} still listed")

        return run

    first, second = doomed
    call(
        "rest.delete_checkpoint",
        deleted(lambda: rest.delete_checkpoint(run_id, first.path.split("/", 3)[-1]).result(), first) if first else None,
        deadline,
        needs=rest and first,
    )
    call(
        "rest.delete_checkpoint_from_tinker_path",
        deleted(lambda: rest.delete_checkpoint_from_tinker_path(second.path).result(), second) if second else None,
        deadline,
        needs=rest and second,
    )

    def telemetry() -> Any:
        # Flush what the SDK queued (session start, retries...) and wait for the server to take it.
        holder = service.holder
        sink = holder.get_telemetry()
        expect(sink is not None, "telemetry is off (TINKER_TELEMETRY)")
        sink._trigger_flush()
        expect(sink._wait_until_drained_sync(), "telemetry did not drain in 30 s")
        expect(logs.telemetry_failures == 0, f"{logs.telemetry_failures} telemetry batches failed")

    call("telemetry (accepted)", telemetry, deadline)

    failed = [name for name, ok in report.results if not ok]
    print(f"{len(report.results) - len(failed)} passed, {len(failed)} failed", flush=True)
    sys.stdout.flush()
    # Leave at once: the SDK's background threads (heartbeat, telemetry) would hold the process.
    os._exit(0 if harness or not failed else 1)


if __name__ == "__main__":
    main()
