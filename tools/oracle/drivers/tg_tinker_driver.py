#!/usr/bin/env python3
"""Drive the real `tg_tinker` SDK through every call seed 000 documents, against one TenSafe server.

Seed 000 documents `tg_tinker.ServiceClient` (constructor, environment variables, `tenant_id`,
`config`, create_training_client, get_future, pull_artifact, get_audit_logs,
list_training_clients, delete_training_client) and the training client and future handles it
hands out. Each is called here as a new user would, against the TenSafe API at the base URL (the
real server is `<origin>/api`, the sandbox `<origin>/tensafe`). Where the SDK offers a call in
another form than the seed documents (no `status` filter on list_training_clients, no
`destination` on pull_artifact, no `checkpoint_id` on create_training_client...), both forms are
called, so the wire is exercised even where the documented form cannot be. Results are checked, not
only the absence of an exception.

Usage (in the trixie chroot, with the TenSafe tree's `src/` on PYTHONPATH: `tg_tinker` imports
`tensorguard` for its version):

    tg_tinker_driver.py --base-url http://127.0.0.1:PORT/api [--api-key KEY] [--deadline 60]
        prints `PASS <call> (<ms> ms)` or `FAIL <call> (<ms> ms): <why>` per call and a summary;
        exits 1 if any call failed, 2 if the SDK cannot be imported.
    tg_tinker_driver.py '{"base_url": "...", "api_key": "...", "deadline": 30}'
        the conformance harness's form: the same lines, plus `@@oracle {json}` lines per call
        (`begin`; then `end` with call, ok, ms, http [[method, path, status]], and value or error
        {type, message, trace}); exits 0 (a failed call is a result) and leaves when stdin closes.

Every call runs in a thread of its own and is given up after the deadline (the SDK may poll for
ever). The reference server drops its keep-alive connection after each unhandled 500 and the SDK
opens a circuit breaker after five ServerErrors; after a call that saw a 5xx the driver gives the
SDK a fresh connection and a closed breaker, so each call is judged on its own (one call, named
"(right after a 500)", shows the dropped connection on purpose).
"""

import argparse
import dataclasses
import datetime
import enum
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
import traceback

UNKNOWN_TRAINING_CLIENT = "tc-00000000-0000-4000-8000-000000000000"
UNKNOWN_FUTURE = "fut-00000000-0000-4000-8000-000000000000"
BATCH = {"input_ids": [[101, 2023, 2003, 102]], "attention_mask": [[1, 1, 1, 1]], "labels": [[2023, 2003, 102, -100]]}


class Failed(Exception):
    """A call returned, but not what seed 000 promises its caller."""


def expect(condition, message):
    if not condition:
        raise Failed(message)


def as_json(value, depth=0):
    """A JSON view of a result, so the harness can compare its shape across servers."""
    if depth > 30:
        return "<deep>"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": len(value), "$sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, enum.Enum):
        return as_json(value.value, depth + 1)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): as_json(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(item, depth + 1) for item in value[:50]]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return as_json(dump(mode="json"), depth + 1)
    if dataclasses.is_dataclass(value):
        return as_json(dataclasses.asdict(value), depth + 1)
    return {"$object": f"{type(value).__module__}.{type(value).__qualname__}"}


class Calls:
    """Runs each call with a deadline, prints its verdict, and keeps what the SDK sent and got."""

    def __init__(self, deadline, harness):
        self.deadline = deadline
        self.harness = harness
        self.lock = threading.Lock()
        self.http = []
        self.failures = 0
        self.after_server_error = None

    def saw(self, response):
        with self.lock:
            self.http.append([response.request.method, response.request.url.path, response.status_code])

    def event(self, record):
        if self.harness:
            sys.stdout.write("@@oracle " + json.dumps(record, default=str) + "\n")
            sys.stdout.flush()

    def call(self, name, action, needs=True, recover=True):
        """`action()`'s value, or None when it failed, ran out of time, or `needs` is None (an input failed)."""
        if needs is None:
            return self.end(name, 0, [], error=("NotReached", "an earlier call it depends on failed"), skipped=True)
        with self.lock:
            self.http = []
        self.event({"event": "begin", "call": name})
        outcome = {}

        def run():
            try:
                outcome["value"] = action()
            except BaseException as error:  # noqa: BLE001 - every failure is the call's verdict
                outcome["error"] = error
                outcome["trace"] = traceback.format_exc(limit=6)

        started = time.monotonic()
        worker = threading.Thread(target=run, name=name, daemon=True)
        worker.start()
        worker.join(self.deadline)
        ms = int((time.monotonic() - started) * 1000)
        with self.lock:
            http = list(self.http)
        if worker.is_alive():
            result = self.end(name, ms, http, error=("Deadline", f"no answer after {self.deadline:g} s (the SDK was still working)"))
        elif "error" in outcome:
            error = outcome["error"]
            kind = f"{type(error).__module__.split('.')[0]}.{type(error).__name__}"
            result = self.end(name, ms, http, error=(kind, " ".join(str(error).split())[:400]), trace=outcome["trace"])
        else:
            result = self.end(name, ms, http, value=outcome.get("value"))
        if recover and self.after_server_error and any(isinstance(status, int) and status >= 500 for _, _, status in http):
            self.after_server_error()
        return result

    def end(self, name, ms, http, value=None, error=None, trace="", skipped=False):
        record = {"event": "end", "call": name, "ok": error is None, "ms": ms, "http": http}
        if error is None:
            record["value"] = as_json(value)
            print(f"PASS {name} ({ms} ms)", flush=True)
        else:
            self.failures += 1
            record["error"] = {"type": error[0], "message": error[1], "trace": trace[-1500:]}
            if skipped:
                record["skipped"] = True
            print(f"FAIL {name} ({ms} ms): {error[0]}: {error[1]}", flush=True)
        self.event(record)
        return value if error is None else None


def settings():
    """The base URL, key and deadline: from the harness's JSON argument, or from flags."""
    if len(sys.argv) == 2 and sys.argv[1].lstrip().startswith("{"):
        config = json.loads(sys.argv[1])
        return config["base_url"], config.get("api_key", "ts-test-key"), float(config.get("deadline", 60)), True
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the TenSafe API base URL (the SDK's base_url)")
    parser.add_argument("--api-key", default="ts-test-key")
    parser.add_argument("--deadline", type=float, default=60.0, help="seconds each call may take")
    flags = parser.parse_args()
    return flags.base_url, flags.api_key, flags.deadline, False


def leave_when_stdin_closes():
    """The harness holds stdin open: EOF means it is gone, so the driver stops at once."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(3)


def main():
    base_url, api_key, deadline, harness = settings()
    if harness:
        threading.Thread(target=leave_when_stdin_closes, daemon=True).start()
    try:
        import httpx
        import tg_tinker
        from tg_tinker import DPConfig, LoRAConfig, ServiceClient, TrainingConfig
    except Exception as error:  # noqa: BLE001
        print(f"cannot import tg_tinker: {type(error).__name__}: {error}", file=sys.stderr)
        return 2

    calls = Calls(deadline, harness)
    wait = max(1.0, deadline - 5)
    # The seed's retry_count and timeout; a short poll interval so futures settle within the deadline.
    service = calls.call(
        "service.__init__",
        lambda: ServiceClient(api_key=api_key, base_url=base_url, timeout=30.0, retry_count=3, poll_interval=0.2),
    )
    if service is None:
        return 0 if harness else 1
    # Instrumentation only: the SDK's own httpx client reports each answer it gets.
    service._http_client.event_hooks["response"].append(calls.saw)

    def fresh_connection():
        old = service._http_client
        service._http_client = httpx.Client(base_url=old.base_url, headers=old.headers, timeout=old.timeout, event_hooks=old.event_hooks)
        old.close()
        service._circuit_breaker.record_success()

    calls.after_server_error = fresh_connection

    def from_environment():
        saved = {name: os.environ.get(name) for name in ("TS_API_KEY", "TS_BASE_URL", "TS_TIMEOUT")}
        os.environ.update({"TS_API_KEY": api_key, "TS_BASE_URL": base_url, "TS_TIMEOUT": "30"})
        try:
            client = ServiceClient()
            expect(client._base_url == base_url.rstrip("/"), f"base_url from TS_BASE_URL is {client._base_url}")
            return client._config
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    calls.call("ServiceClient() from TS_API_KEY, TS_BASE_URL, TS_TIMEOUT", from_environment)
    calls.call("service.tenant_id", lambda: service.tenant_id)
    calls.call("service.config", lambda: service.config)

    def created(client):
        expect(client.id.startswith("tc-"), f"training client id {client.id!r}")
        return client

    plain = TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=16))
    private = TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=8), dp_config=DPConfig(enabled=True))
    training = calls.call("service.create_training_client", lambda: created(service.create_training_client(plain)))
    noisy = calls.call("service.create_training_client (dp)", lambda: created(service.create_training_client(private)))

    def listed():
        clients = service.list_training_clients()
        expect(training is None or any(info.training_client_id == training.id for info in clients), "the new training client is not listed")
        return clients

    calls.call("service.list_training_clients", listed)
    calls.call("service.list_training_clients (status, limit)", lambda: service.list_training_clients(status="active", limit=10))
    training_id = training.id if training is not None else UNKNOWN_TRAINING_CLIENT
    calls.call("service.get_training_client", lambda: service.get_training_client(training_id))

    def not_found(action, error_class):
        try:
            action()
        except error_class as error:
            return error.code
        raise Failed("no error")

    calls.call(
        "service.get_training_client (unknown id)",
        lambda: not_found(lambda: service.get_training_client(UNKNOWN_TRAINING_CLIENT), tg_tinker.TrainingClientNotFoundError),
    )

    future = calls.call("training.forward_backward", lambda: training.forward_backward(BATCH), needs=training)
    calls.call("future.id", lambda: future.id, needs=future)
    calls.call("future.status", lambda: future.status(), needs=future)
    calls.call("future.done", lambda: future.done(), needs=future)
    handle = calls.call("service.get_future", lambda: service.get_future(future.future_id), needs=future)
    calls.call("service.get_future(...).is_done()", lambda: handle.is_done(), needs=handle)

    def result_of(handle, check):
        value = handle.result(timeout=wait)
        check(value)
        return value

    calls.call(
        "future.result",
        lambda: result_of(future, lambda value: expect(value is not None and value.loss > 0, f"result {value!r}")),
        needs=future,
        recover=False,
    )
    calls.call("service.list_training_clients (right after a 500)", service.list_training_clients)
    step = calls.call("training.optim_step", lambda: training.optim_step(), needs=training)
    calls.call(
        "future.result (optim_step)",
        lambda: result_of(step, lambda value: expect(value is not None and value.step >= 1, f"result {value!r}")),
        needs=step,
    )
    private_future = calls.call("training.forward_backward (dp)", lambda: noisy.forward_backward(BATCH), needs=noisy)
    calls.call(
        "future.result (dp)",
        lambda: result_of(private_future, lambda value: expect(value is not None and value.dp_metrics is not None, f"result {value!r}")),
        needs=private_future,
    )
    doomed = calls.call("training.forward_backward (to cancel)", lambda: training.forward_backward(BATCH), needs=training)

    def cancelled():
        # The SDK's cancel() turns any failure of its request into False; the seed promises True.
        outcome = doomed.cancel()
        expect(outcome is True, f"cancel() returned {outcome!r}")
        return outcome

    calls.call("future.cancel", cancelled, needs=doomed)
    calls.call(
        "service.get_future (unknown id)",
        lambda: not_found(lambda: service.get_future(UNKNOWN_FUTURE), tg_tinker.FutureNotFoundError),
    )

    def sampled():
        value = training.sample(["Once upon a time"], max_tokens=16)
        expect(len(value.samples) == 1, f"{len(value.samples)} samples for one prompt")
        return value

    calls.call("training.sample", sampled, needs=training)

    def save():
        value = training.save_state(metadata={"suite": "oracle"})
        expect(value.artifact_id.startswith("art-") and value.metadata.get("suite") == "oracle", f"saved {value!r}")
        return value

    saved = calls.call("training.save_state", save, needs=training)
    calls.call("training.load_state", lambda: training.load_state(saved.artifact_id), needs=saved)
    calls.call("training.refresh", lambda: training.refresh(), needs=training)
    calls.call(
        "service.create_training_client (checkpoint_id)",
        lambda: service.create_training_client(plain, checkpoint_id=saved.artifact_id),
        needs=saved,
    )

    def pulled():
        data = service.pull_artifact(saved.artifact_id)
        expect(isinstance(data, bytes) and len(data) > 16, f"{len(data)} bytes: no AES-GCM ciphertext")
        return data

    calls.call("service.pull_artifact", pulled, needs=saved)

    def pulled_to_file():
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "checkpoint.bin")
            service.pull_artifact(saved.artifact_id, destination=path)
            return os.path.getsize(path)

    calls.call("service.pull_artifact (destination)", pulled_to_file, needs=saved)
    calls.call("service.get_audit_logs", lambda: service.get_audit_logs(training_client_id=training_id, limit=50))
    calls.call(
        "service.get_audit_logs (start_time, end_time)",
        lambda: service.get_audit_logs(
            training_client_id=training_id,
            start_time=datetime.datetime.now() - datetime.timedelta(hours=1),
            end_time=datetime.datetime.now(),
            limit=50,
        ),
    )

    def by_operation():
        entries = service.get_audit_logs(training_client_id=training_id, operation="sample", limit=50)
        expect(all(entry.operation.value == "sample" for entry in entries), "entries of other operations")
        return entries

    calls.call("service.get_audit_logs (operation)", by_operation)
    calls.call("service.delete_training_client", lambda: service.delete_training_client(training_id))

    print(f"{calls.failures} of the calls failed", flush=True)
    if harness:
        sys.stdout.flush()
        os._exit(0)
    return 0 if calls.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
