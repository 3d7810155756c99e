"""What every conformance driver shares: run one SDK call with a deadline, report it as a JSON line.

A driver calls `Driver.call(name, function)` for each documented SDK call, in order. Each call runs in
a thread of its own and is given up after its deadline (an SDK that retries forever must not stop the
suite); its outcome is printed on stdout as `@@oracle {...}`:

    {"call": "rest.list_training_runs", "ok": true, "ms": 12, "value": <the result as JSON>}
    {"call": "...", "ok": false, "ms": 30000, "error": {"type": "tinker.NotFoundError", "message": "..."}}

`http` lists the requests the call made that the driver could see ([method, path, status]).
"""

import base64
import dataclasses
import datetime
import enum
import hashlib
import json
import os
import sys
import threading
import time
import traceback
from typing import Any, Callable, Optional

MAX_ITEMS = 50


def jsonable(value: Any, depth: int = 0) -> Any:
    """The result of an SDK call as plain JSON, so the suite can compare its shape."""
    if depth > 40:
        return "<deep>"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return {"$bytes": len(data), "$sha256": hashlib.sha256(data).hexdigest(), "$head": base64.b64encode(data[:48]).decode()}
    if isinstance(value, enum.Enum):
        return jsonable(value.value, depth + 1)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item, depth + 1) for item in list(value)[:MAX_ITEMS]]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            return jsonable(dump(mode="json"), depth + 1)
        except TypeError:
            return jsonable(dump(), depth + 1)
    legacy = getattr(value, "dict", None)
    if callable(legacy) and hasattr(value, "__fields__"):
        return jsonable(legacy(), depth + 1)
    if dataclasses.is_dataclass(value):
        return jsonable(dataclasses.asdict(value), depth + 1)
    return {"$object": type(value).__module__ + "." + type(value).__qualname__}


def error_name(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__.split(".")[0]
    return f"{module}.{kind.__name__}"


class Driver:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._http: list = []
        self._out = sys.stdout
        self.failed_calls = 0
        # Called after a call that saw a 5xx, unless the call says not to (see `call`).
        self.after_server_error: Optional[Callable[[], None]] = None

    def saw(self, method: str, url: str, status: Any) -> None:
        """Record a request the SDK made (from an httpx or requests response hook)."""
        with self._lock:
            self._http.append([method, url, status])

    def emit(self, record: dict) -> None:
        line = "@@oracle " + json.dumps(record, default=str)
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    def call(
        self, name: str, function: Callable[[], Any], deadline: float = 30.0, needs: Any = True, recover: bool = True
    ) -> Optional[Any]:
        """Run one SDK call; its result, or None when it failed (the failure is reported).

        `needs` is what the call is made on (a training client, a future...): when an earlier call
        failed to make it, the call is reported as not reached instead of run. After a call that
        saw a 5xx, `after_server_error` runs (unless `recover` is false), so that one server defect
        does not break the calls after it.
        """
        if needs is None:
            self.emit({"event": "end", "call": name, "ok": False, "ms": 0, "http": [], "skipped": True,
                       "error": {"type": "NotReached", "message": "an earlier call it depends on failed"}})
            self.failed_calls += 1
            return None
        outcome: dict = {}
        with self._lock:
            self._http = []
        self.emit({"event": "begin", "call": name})

        def run() -> None:
            try:
                outcome["value"] = function()
            except BaseException as error:  # noqa: BLE001 - every failure is the call's outcome
                outcome["error"] = error
                outcome["trace"] = traceback.format_exc(limit=6)

        started = time.monotonic()
        worker = threading.Thread(target=run, daemon=True, name=f"call {name}")
        worker.start()
        worker.join(deadline)
        elapsed = int((time.monotonic() - started) * 1000)
        with self._lock:
            http = list(self._http)
        record: dict = {"event": "end", "call": name, "ms": elapsed, "http": http}
        if worker.is_alive():
            record.update(ok=False, error={"type": "Deadline", "message": f"no answer after {deadline:g} s (the SDK was still working)"})
        elif "error" in outcome:
            error = outcome["error"]
            message = " ".join(str(error).split())[:400]
            record.update(ok=False, error={"type": error_name(error), "message": message, "trace": outcome["trace"][-1500:]})
        else:
            record.update(ok=True, value=jsonable(outcome.get("value")))
        if not record["ok"]:
            self.failed_calls += 1
        self.emit(record)
        server_error = any(isinstance(status, int) and status >= 500 for _, _, status in http)
        if server_error and recover and self.after_server_error is not None:
            self.after_server_error()
        return outcome.get("value") if record["ok"] else None

    def finish(self) -> None:
        """Leave at once: a call still stuck in its thread (or an SDK's background thread) must not hold the process."""
        self._out.flush()
        os._exit(0)


def arguments() -> dict:
    """The driver's one argument: a JSON object (base URL, key, what the suite seeded).

    Also starts the watch on stdin: the suite holds it open, so EOF means the suite is gone and the
    driver leaves at once instead of finishing its calls against servers that are stopping.
    """
    threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()
    return json.loads(sys.argv[1])


def _exit_on_stdin_eof() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(3)
