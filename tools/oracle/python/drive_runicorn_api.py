"""The real Runicorn Python client (`runicorn.api`) against a Runicorn viewer: every method of seed 004.

Usage: drive_runicorn_api.py '{"base_url": ..., "run_id": ..., "artifact": ..., "closed_port": N, "deadline": 30}'

`api.connect()` never succeeds against a v0.5.3 viewer (it wants the health status "healthy"; the
viewer says "ok"), so after calling it once the driver builds the client with that check skipped,
to reach every other method.
"""

from urllib.parse import urlparse

from oracle_driver import Driver, arguments


def main() -> None:
    config = arguments()
    deadline = float(config.get("deadline", 30))
    base_url = config["base_url"]
    driver = Driver()

    import runicorn.api as api
    from runicorn.api.client import RunicornClient

    class UncheckedClient(RunicornClient):
        def _verify_connection(self) -> None:
            pass

    connected = driver.call("api.connect", lambda: api.connect(base_url), deadline)
    client = connected or UncheckedClient(base_url=base_url)
    client.session.hooks["response"].append(lambda response, *args, **kwargs: driver.saw(response.request.method, urlparse(response.url).path, response.status_code))

    run_id, artifact = config["run_id"], config["artifact"]
    driver.call("client.list_experiments", lambda: client.list_experiments(), deadline)
    driver.call("client.list_experiments (filters)", lambda: client.list_experiments(project="oracle-vision", status="finished", limit=2, offset=1), deadline)
    driver.call("client.get_experiment", lambda: client.get_experiment(run_id), deadline)
    driver.call("client.get_run", lambda: client.get_run(run_id), deadline)
    driver.call("client.get_experiment (unknown id)", lambda: client.get_experiment("20000101_000000_000000"), deadline)
    driver.call("client.get_metrics", lambda: client.get_metrics(run_id), deadline)
    driver.call("client.get_metrics (names, limit)", lambda: client.get_metrics(run_id, metric_names=["loss"], limit=5), deadline)
    configuration = driver.call("client.get_config", client.get_config, deadline)
    driver.call("client.update_config", lambda: client.update_config(dict(configuration or {})), deadline)
    driver.call("client.export_experiment (json)", lambda: client.export_experiment(run_id, format="json"), deadline)
    driver.call("client.export_experiment (csv)", lambda: client.export_experiment(run_id, format="csv"), deadline)
    driver.call("artifacts.list_artifacts", lambda: client.artifacts.list_artifacts(), deadline)
    driver.call("artifacts.list_artifacts (type)", lambda: client.artifacts.list_artifacts(type="model"), deadline)
    driver.call("artifacts.get_artifact", lambda: client.artifacts.get_artifact(f"{artifact}:v1"), deadline)
    driver.call("artifacts.list_versions", lambda: client.artifacts.list_versions(artifact), deadline)
    port = int(config["closed_port"])
    driver.call("remote.connect", lambda: client.remote.connect("127.0.0.1", port=port, username="oracle", password="not-a-secret"), deadline)
    driver.call("remote.start_viewer", lambda: client.remote.start_viewer(f"oracle@127.0.0.1:{port}", "/tmp/runicorn-remote"), deadline)
    driver.call("client.close", client.close, deadline)
    driver.finish()


if __name__ == "__main__":
    main()
