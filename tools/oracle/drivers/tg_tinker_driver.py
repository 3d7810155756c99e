#!/usr/bin/env python3
"""Drive the real `tg_tinker` SDK through every call seed 000 documents, against one base URL.

Seed 000 documents `tg_tinker.ServiceClient` (its constructor, environment variables, properties
and methods) and the training client and future handles it returns. This driver makes each of
those calls, as a new user would, against the TenSafe API at `--base-url` (the real server is
`<origin>/api`, the sandbox `<origin>/tensafe`) and prints one verdict per call. Where the SDK
offers a call in another form than the seed documents (no `status` filter on
`list_training_clients`, no `destination` on `pull_artifact`, ...), both forms are called, so the
wire is exercised even where the documented form cannot be.

    usage: tg_tinker_driver.py --base-url URL [--api-key KEY] [--json] [--future-timeout SECONDS]

The `tg_tinker` package (and `tensorguard`, which it imports for its version) must be importable:
set PYTHONPATH to the `src` folder of the TenSafe tree.

Output: one line per call, `pass <call>` or `fail <call>: <ErrorClass>: <message>`; with `--json`,
one JSON object per line: {"call", "outcome": "pass"|"fail", "error": str|null, "seconds": float}.
A call whose input came from a failed call fails with `skipped: needs <call>`. Exit status 0 when
every call passed, 1 when any failed, 2 when the SDK could not be imported.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta

SKIPPED = object()


class Driver:
    """Runs calls in order, records a verdict for each and keeps their results for later calls."""

    def __init__(self, as_json):
        self.as_json = as_json
        self.results = {}
        self.failures = 0

    def call(self, name, action, needs=(), check=None):
        """Run `action(*results of needs)`; it passes when it returns and `check(value)` holds."""
        missing = [need for need in needs if self.results.get(need, SKIPPED) is SKIPPED]
        started = time.monotonic()
        if missing:
            self.report(name, f"skipped: needs {', '.join(missing)}", 0.0)
            self.results[name] = SKIPPED
            return SKIPPED
        try:
            value = action(*(self.results[need] for need in needs))
            if check is not None:
                problem = check(value)
                if problem:
                    raise AssertionError(problem)
        except Exception as error:  # every failure is a verdict, never a crash of the driver
            message = " ".join(str(error).split())[:300]
            self.report(name, f"{type(error).__name__}: {message}", time.monotonic() - started)
            self.results[name] = SKIPPED
            return SKIPPED
        self.report(name, None, time.monotonic() - started)
        self.results[name] = value
        return value

    def report(self, name, error, seconds):
        if error is not None:
            self.failures += 1
        if self.as_json:
            outcome = "pass" if error is None else "fail"
            line = json.dumps({"call": name, "outcome": outcome, "error": error, "seconds": round(seconds, 3)})
        else:
            line = f"pass {name}" if error is None else f"fail {name}: {error}"
        print(line, flush=True)


def expect(condition, problem):
    """A check's verdict: None when `condition` holds, else `problem`."""
    return None if condition else problem


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the TenSafe API base URL (SDK base_url)")
    parser.add_argument("--api-key", default="ts-test-key", help="the bearer key (default ts-test-key)")
    parser.add_argument("--json", action="store_true", help="one JSON object per call")
    parser.add_argument("--future-timeout", type=float, default=30.0, help="seconds a future may take")
    arguments = parser.parse_args()

    try:
        import tg_tinker
        from tg_tinker import LoRAConfig, ServiceClient, TrainingConfig
    except Exception as error:
        print(f"cannot import tg_tinker: {type(error).__name__}: {error}", file=sys.stderr)
        return 2

    driver = Driver(arguments.json)
    base_url, api_key, wait = arguments.base_url, arguments.api_key, arguments.future_timeout
    batch = {"input_ids": [[101, 2023, 2003, 102], [101, 7592, 102, 0]], "attention_mask": [[1, 1, 1, 1], [1, 1, 1, 0]]}
    batch["labels"] = batch["input_ids"]

    def service_client():
        # retry_count as documented; poll quickly so futures settle within the driver's time.
        return ServiceClient(api_key=api_key, base_url=base_url, timeout=30.0, retry_count=1, poll_interval=0.2)

    def isolated(action):
        """Run `action(service)` and close the breaker after: the SDK opens its circuit breaker after five
        ServerErrors, which would fail every later call for 30 s; each call here is judged on its own."""

        def run(service, *rest):
            try:
                return action(service, *rest)
            finally:
                service._circuit_breaker.record_success()

        return run

    def from_environment():
        saved = {name: os.environ.get(name) for name in ("TS_API_KEY", "TS_BASE_URL", "TS_TIMEOUT")}
        os.environ.update({"TS_API_KEY": api_key, "TS_BASE_URL": base_url, "TS_TIMEOUT": "30"})
        try:
            service = ServiceClient()
            return expect(service._base_url == base_url.rstrip("/"), f"base_url from TS_BASE_URL is {service._base_url}")
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    driver.call("ServiceClient(api_key, base_url, timeout, retry_count)", service_client)
    driver.call("ServiceClient() from TS_API_KEY, TS_BASE_URL, TS_TIMEOUT", from_environment, check=lambda problem: problem)
    s = "ServiceClient(api_key, base_url, timeout, retry_count)"
    driver.call("service.tenant_id", lambda service: service.tenant_id, needs=[s],
                check=lambda tenant: expect(isinstance(tenant, str) and tenant, f"tenant_id is {tenant!r}"))
    driver.call("service.config", lambda service: service.config, needs=[s])

    plain = TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=16))
    private = TrainingConfig(model_ref="meta-llama/Llama-3-8B", lora_config=LoRAConfig(rank=8),
                             dp_config=tg_tinker.DPConfig(noise_multiplier=1.1, target_epsilon=8.0))
    tc = "service.create_training_client(config)"
    driver.call(tc, isolated(lambda service: service.create_training_client(plain)), needs=[s],
                check=lambda client: expect(client.id.startswith("tc-"), f"id {client.id!r}"))
    driver.call("service.create_training_client(config with dp_config)",
                isolated(lambda service: service.create_training_client(private)), needs=[s],
                check=lambda client: expect(client.dp_enabled, "dp_enabled is false"))

    fb = "tc.forward_backward(batch)"
    driver.call(fb, lambda client: client.forward_backward(batch), needs=[tc])
    driver.call("future.id", lambda future: future.id, needs=[fb])
    driver.call("future.future_id", lambda future: future.future_id, needs=[fb],
                check=lambda future_id: expect(future_id.startswith("fut-"), f"future_id {future_id!r}"))
    gf = "service.get_future(future_id)"
    driver.call(gf, isolated(lambda service, future: service.get_future(future.future_id)), needs=[s, fb])
    driver.call("service.get_future(future_id).is_done()", lambda handle: handle.is_done(), needs=[gf])
    driver.call("service.get_future(future_id).result()", lambda handle: handle.result(), needs=[gf])
    driver.call("future.status()", isolated(lambda service, future: future.status()), needs=[s, fb])
    driver.call("future.done()", isolated(lambda service, future: future.done()), needs=[s, fb])
    driver.call("future.result(timeout) of forward_backward",
                isolated(lambda service, future: future.result(timeout=wait)), needs=[s, fb],
                check=lambda result: expect(result is not None and result.loss > 0, f"result {result!r}"))

    op = "tc.optim_step()"
    driver.call(op, lambda client: client.optim_step(), needs=[tc])
    driver.call("future.result(timeout) of optim_step",
                isolated(lambda service, future: future.result(timeout=wait)), needs=[s, op],
                check=lambda result: expect(result is not None and result.step >= 1, f"result {result!r}"))
    cancel = "tc.optim_step().cancel()"
    # The SDK's cancel() answers False for any failure of the request, so only True passes.
    driver.call(cancel, isolated(lambda service, client: client.optim_step().cancel()), needs=[s, tc],
                check=lambda cancelled: expect(cancelled is True, f"cancel() returned {cancelled!r}"))

    driver.call("tc.sample(prompt, max_tokens)", isolated(lambda service, client: client.sample("Once upon a time", max_tokens=16)),
                needs=[s, tc], check=lambda result: expect(len(result.samples) == 1, f"{len(result.samples)} samples"))
    save = "tc.save_state(metadata)"
    driver.call(save, isolated(lambda service, client: client.save_state(metadata={"note": "driver"})), needs=[s, tc],
                check=lambda result: expect(result.artifact_id.startswith("art-"), f"artifact_id {result.artifact_id!r}"))
    driver.call("tc.load_state(artifact_id)", isolated(lambda service, client, saved: client.load_state(saved.artifact_id)),
                needs=[s, tc, save])
    driver.call("tc.refresh()", isolated(lambda service, client: client.refresh()), needs=[s, tc])
    driver.call("service.get_training_client(id)", isolated(lambda service, client: service.get_training_client(client.id)),
                needs=[s, tc])
    driver.call("service.create_training_client(config, checkpoint_id)",
                isolated(lambda service, saved: service.create_training_client(plain, checkpoint_id=saved.artifact_id)),
                needs=[s, save])

    driver.call("service.pull_artifact(artifact_id)", isolated(lambda service, saved: service.pull_artifact(saved.artifact_id)),
                needs=[s, save], check=lambda data: expect(isinstance(data, bytes) and len(data) > 16, f"{len(data)} bytes"))

    def pull_to_file(service, saved):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "checkpoint.bin")
            service.pull_artifact(saved.artifact_id, destination=path)
            return expect(os.path.getsize(path) > 16, f"{os.path.getsize(path)} bytes written")

    driver.call("service.pull_artifact(artifact_id, destination)", isolated(pull_to_file), needs=[s, save],
                check=lambda problem: problem)

    since = datetime.now() - timedelta(hours=1)
    driver.call("service.get_audit_logs(training_client_id, limit)",
                isolated(lambda service, client: service.get_audit_logs(training_client_id=client.id, limit=50)), needs=[s, tc])
    driver.call("service.get_audit_logs(training_client_id, start_time, end_time, limit)",
                isolated(lambda service, client: service.get_audit_logs(
                    training_client_id=client.id, start_time=since, end_time=datetime.now(), limit=50)), needs=[s, tc])
    driver.call("service.get_audit_logs(operation)",
                isolated(lambda service, client: service.get_audit_logs(training_client_id=client.id, operation="sample")),
                needs=[s, tc], check=lambda entries: expect(all(e.operation.value == "sample" for e in entries), "other operations"))

    driver.call("service.list_training_clients()", isolated(lambda service: service.list_training_clients()), needs=[s],
                check=lambda clients: expect(len(clients) >= 1, "no training clients"))
    driver.call("service.list_training_clients(status, limit)",
                isolated(lambda service: service.list_training_clients(status="active", limit=10)), needs=[s])
    driver.call("service.delete_training_client(id)",
                isolated(lambda service, client: service.delete_training_client(client.id)), needs=[s, tc])

    def not_found(service):
        try:
            service.get_training_client("tc-00000000-0000-4000-8000-000000000000")
        except tg_tinker.TrainingClientNotFoundError:
            return None
        except tg_tinker.TGTinkerError as error:
            return f"{type(error).__name__} [{error.code}] instead of TrainingClientNotFoundError"
        return "no error"

    driver.call("an unknown training client raises TrainingClientNotFoundError", isolated(not_found), needs=[s],
                check=lambda problem: problem)
    return 0 if driver.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
