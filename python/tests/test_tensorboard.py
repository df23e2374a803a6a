"""`pref train` writes a TensorBoard event file beside metrics.jsonl; TensorBoard's own
reader must find every number of every line at its step, under `<split>/<name>`."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest


def expected_scalars(metrics_path):
    """tag -> [(step, value)] from metrics.jsonl, tagged as the Swift writer documents."""
    out = defaultdict(list)
    for line in metrics_path.read_text().splitlines():
        record = json.loads(line)
        split = record.get("split", "train")
        for key, value in record.items():
            if key == "step" or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            name = key[len(split) + 1 :] if key.startswith(split + "_") else key
            out[f"{split}/{name}"].append((record["step"], value))
    return out


@pytest.mark.parametrize("run", ["sft", "dpo"])
def test_event_file_scalars_equal_metrics_jsonl(workspace, run):
    accumulator_module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    folder = workspace / "runs" / run
    assert len(list(folder.glob("events.out.tfevents.*"))) == 1
    expected = expected_scalars(folder / "metrics.jsonl")
    assert {"train/loss", "train/learning_rate", "train/grad_norm", "eval/loss"} <= set(expected)
    if run == "dpo":
        assert {"train/rewards/chosen", "eval/rewards/accuracies"} <= set(expected)

    accumulator = accumulator_module.EventAccumulator(str(folder), size_guidance={accumulator_module.SCALARS: 0})
    accumulator.Reload()
    assert sorted(accumulator.Tags()["scalars"]) == sorted(expected)
    for tag, points in expected.items():
        events = accumulator.Scalars(tag)
        assert [e.step for e in events] == [step for step, _ in points], tag
        got = np.array([e.value for e in events], dtype=np.float32)
        want = np.array([value for _, value in points], dtype=np.float32)
        assert np.array_equal(got, want, equal_nan=True), tag
