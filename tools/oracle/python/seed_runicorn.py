"""Make Runicorn data with Runicorn's own SDK, for the conformance suite.

Usage: seed_runicorn.py STORAGE_ROOT SCRATCH_DIR

Two projects of runs with metric curves (one run left failed), and the artifacts `demo-model`
(two versions, so that `latest` has something to choose) and `demo-data` (one dataset version
that the second model's run uses, for lineage). Prints one JSON line describing what was made.
"""

import json
import sys
from pathlib import Path

import runicorn as rn


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    storage, scratch = sys.argv[1], Path(sys.argv[2])
    made = {"runs": [], "artifacts": {}}

    # A dataset first: the second model version's run uses it.
    data_run = rn.init(project="oracle-vision", name="prepare-data", storage=storage, capture_env=False)
    data_run.log({"rows": 1000}, step=1)
    dataset = rn.Artifact("demo-data", type="dataset", description="tokenised corpus")
    dataset.add_file(write(scratch / "data" / "train.jsonl", '{"text": "hello"}\n'))
    made["artifacts"]["demo-data"] = [data_run.log_artifact(dataset)]
    data_run.finish()
    made["runs"].append(data_run.id)

    versions = []
    for index, accuracy in enumerate([0.71, 0.83], start=1):
        run = rn.init(project="oracle-vision", name="resnet", storage=storage, capture_env=False)
        run.set_primary_metric("accuracy", mode="max")
        if index == 2:
            run.use_artifact("demo-data:latest")
        for step in range(1, 21):
            run.log({"loss": round(2.0 / step, 6), "accuracy": round(accuracy * step / 20, 6)}, step=step)
        model = rn.Artifact("demo-model", type="model", description=f"weights after run {index}")
        model.add_file(write(scratch / f"model-{index}" / "weights.bin", f"weights v{index}\n" * 64))
        model.add_file(write(scratch / f"model-{index}" / "config.json", json.dumps({"layers": 50, "run": index})))
        model.add_metadata({"accuracy": accuracy})
        versions.append(run.log_artifact(model))
        run.finish()
        made["runs"].append(run.id)
    made["artifacts"]["demo-model"] = versions

    failed = rn.init(project="oracle-nlp", name="bert", storage=storage, capture_env=False)
    for step in range(1, 6):
        failed.log({"loss": 1.0 + step / 10}, step=step)
    failed.finish(status="failed")
    made["runs"].append(failed.id)

    print(json.dumps(made), flush=True)


if __name__ == "__main__":
    main()
