"""Serve an ASGI app with uvicorn on a port the kernel picks, for the conformance suite.

Usage: serve.py MODULE:ATTR [--factory] [--kwarg NAME=VALUE ...]

The socket is bound before uvicorn starts (127.0.0.1, port 0), so there is no race for the port;
its number is printed on stdout as a line `@@oracle-serve {"port": N}` (the apps log to stdout too). The server exits when its stdin
closes, so it never outlives the suite that started it, even when that suite is killed.
"""

import argparse
import importlib
import json
import os
import socket
import sys
import threading


def watch_stdin() -> None:
    # EOF on stdin means the parent is gone: leave at once, without waiting for connections.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("--factory", action="store_true")
    parser.add_argument("--kwarg", action="append", default=[])
    args = parser.parse_args()

    module_name, attribute = args.target.split(":", 1)
    target = getattr(importlib.import_module(module_name), attribute)
    kwargs = dict(item.split("=", 1) for item in args.kwarg)
    app = target(**kwargs) if args.factory else target

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    threading.Thread(target=watch_stdin, daemon=True).start()
    print("@@oracle-serve " + json.dumps({"port": sock.getsockname()[1]}), flush=True)
    config = uvicorn.Config(app, log_level=os.environ.get("ORACLE_LOG_LEVEL", "warning"), access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
