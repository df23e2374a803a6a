"""A real workspace made by the `pref` binary from the bundled demo data (demo/run.sh's
steps, with a few training steps), shared by the tests of one session."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def pref_binary() -> Path | None:
    path = Path(os.environ["PREF_BIN"]) if os.environ.get("PREF_BIN") else REPO / ".build" / "release" / "pref"
    return path if path.is_file() and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def pref() -> Path:
    path = pref_binary()
    if path is None and os.environ.get("PREF_BIN"):
        # Named explicitly (scripts/python-tests.sh does): its absence is a failure, not a skip.
        pytest.fail(f"PREF_BIN={os.environ['PREF_BIN']} is not an executable file")
    if path is None:
        pytest.skip("no pref binary: build it with `swift build -c release --product pref` or set PREF_BIN")
    return path


def run_pref(pref: Path, workspace: Path, *args: str) -> str:
    done = subprocess.run([str(pref), *args, "--workspace", str(workspace), "--quiet"], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"pref {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def workspace(pref: Path, tmp_path_factory) -> Path:
    """Ingested, split, paired (3 curriculum stages), tokenized (packed SFT, 256 tokens),
    then a few SFT steps and a few DPO steps, so reference log-probs are stored."""
    ws = tmp_path_factory.mktemp("pref") / "workspace"
    run_pref(pref, ws, "ingest", str(REPO / "demo" / "data"))
    run_pref(pref, ws, "split", "--test", "0.05")
    run_pref(pref, ws, "pairs", "--strategy", "binarized", "--curriculum", "stages:3")
    run_pref(pref, ws, "tokenize", "--train-bpe", "2048", "--template", "chatml", "--max-length", "256")
    run_pref(pref, ws, "train", "--stage", "sft", "--model", "tiny", "--run", "sft", "--max-steps", "6",
             "--batch-tokens", "2048", "--eval-every", "3", "--threads", "2")
    run_pref(pref, ws, "train", "--stage", "dpo", "--from", "sft", "--run", "dpo", "--max-steps", "4",
             "--pairs-per-batch", "4", "--eval-every", "2", "--threads", "2")
    return ws


def inspect(pref: Path, workspace: Path, example_ids: list[int]) -> list[dict]:
    """`pref inspect --json` of the examples: one JSON object per line."""
    out = run_pref(pref, workspace, "inspect", *map(str, example_ids), "--json")
    return [json.loads(line) for line in out.splitlines()]
