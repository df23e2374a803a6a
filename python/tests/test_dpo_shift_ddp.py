"""pref_data.dpo_shift against `pref train --stage dpo`: the same pairs per optimizer step,
the same DPO-Shift loss and metrics, the same optimizer step, with two gloo ranks under
torchrun each taking a disjoint half of pref's global batch.

The first step's loss alone cannot tell a right implementation from a wrong one: at step 1
the policy is the reference, so every pair's z is 0 and the loss is log 2 whatever λ, the
masks or the batch. So the runs go on for three steps at a large learning rate: steps 2
and 3 (policy ≠ reference) depend on λ, on β, on which response tokens are summed and on
which pairs form the batch, and the step-1 log-probs and logits already depend on the masks
and the batch. A second check continues pref's own run from its checkpoint-2 (weights,
AdamW moments, data position, β and λ from the checkpoint) and compares step 3."""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import pref_data
from pref_data.dpo_shift import DPOStepSampler, LambdaSchedule, dpo_shift_loss, learning_rate, sequence_logps
from pref_data.order import shuffled

from conftest import run_pref

TOLERANCE = 1e-4
# (shift, pairs per micro-batch, gradient accumulation, seed): 9 pairs per step split 5/4
# over two ranks in uneven micro-batches; 8 pairs split 4/4 with a λ that moves per step.
CASES = {
    "fixed": ("fixed:0.75", 3, 3, 7),
    "linear": ("linear-decrease:0.5", 4, 2, 42),
}
STEPS = 3


def metrics(path: Path) -> dict[int, dict]:
    return {r["step"]: r for r in map(json.loads, path.read_text().splitlines()) if r.get("split") == "train"}


def expected_order(workspace: Path, seed: int) -> list[int]:
    """pref's DPO order, written out from the Swift rule (ShardPreferenceBatches): train
    pairs by stage, rank, id; each stage's ids shuffled with seed + stage."""
    db = sqlite3.connect(f"file:{workspace / 'pref.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT id, stage FROM examples WHERE kind = 'preference' AND split = 'train' "
                      "ORDER BY stage, curriculum_rank, id").fetchall()
    db.close()
    out = []
    for stage in sorted({s for _, s in rows}):
        out += shuffled([i for i, s in rows if s == stage], seed + stage)
    return out


@pytest.fixture(scope="module", params=sorted(CASES))
def pref_run(request, pref, workspace, tmp_path_factory):
    """A copy of the session workspace (its reference log-probs are already stored, computed
    with the `sft` run) and a 3-step pref DPO-Shift run from `sft`, checkpointing every step."""
    shift, pairs, accum, seed = CASES[request.param]
    ws = tmp_path_factory.mktemp(f"dpo-shift-{request.param}") / "workspace"
    shutil.copytree(workspace, ws, ignore=shutil.ignore_patterns("dpo"))
    run_pref(pref, ws, "train", "--stage", "dpo", "--from", "sft", "--run", "shift", "--shift", shift, "--beta", "0.1",
             "--lr", "1e-3", "--warmup-ratio", "0", "--pairs-per-batch", str(pairs), "--grad-accum", str(accum),
             "--seed", str(seed), "--max-steps", str(STEPS), "--save-every", "1", "--eval-every", "1000", "--threads", "2")
    return {"workspace": ws, "shift": shift, "pairs": pairs, "accum": accum, "seed": seed,
            "metrics": metrics(ws / "runs" / "shift" / "metrics.jsonl")}


def torchrun(args: list[str], out: Path) -> subprocess.CompletedProcess:
    runner = Path(sys.executable).with_name("torchrun")
    if not runner.exists():
        pytest.skip(f"no torchrun beside {sys.executable}")
    package_root = str(Path(pref_data.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([str(runner), "--standalone", "--nproc_per_node", "2", "-m", "pref_data.dpo_shift", *args,
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def assert_matches(ours: dict, theirs: dict, step: int) -> None:
    assert abs(ours["loss"] - theirs["loss"]) <= TOLERANCE, f"step {step}: loss {ours['loss']!r} vs pref {theirs['loss']!r}"
    for name in ("rewards/chosen", "rewards/rejected", "rewards/margins", "logits/chosen", "logits/rejected"):
        assert abs(ours[name] - theirs[name]) <= TOLERANCE, f"step {step}: {name} {ours[name]!r} vs pref {theirs[name]!r}"
    for name in ("logps/chosen", "logps/rejected"):  # sums over ~100 tokens of float32 log-probs
        assert abs(ours[name] - theirs[name]) <= 1e-3, f"step {step}: {name} {ours[name]!r} vs pref {theirs[name]!r}"
    assert math.isclose(ours["grad_norm"], theirs["grad_norm"], rel_tol=1e-4), f"step {step}: grad_norm"
    assert ours["dpo_lambda"] == pytest.approx(theirs["dpo_lambda"], abs=1e-12)
    assert ours["learning_rate"] == pytest.approx(theirs["learning_rate"], abs=1e-15)
    assert ours["epoch"] == pytest.approx(theirs["epoch"])
    if step > 1:  # at step 1 every reward is float noise around 0
        assert ours["rewards/accuracies"] == pytest.approx(theirs["rewards/accuracies"])


def test_two_gloo_ranks_reproduce_pref_steps(pref_run, tmp_path):
    pytest.importorskip("transformers")
    ws, run = pref_run["workspace"], pref_run
    torchrun(["--workspace", str(ws), "--model", str(ws / "runs" / "sft"), "--shift", run["shift"], "--beta", "0.1",
              "--lr", "1e-3", "--warmup-ratio", "0", "--pairs-per-batch", str(run["pairs"]), "--grad-accum", str(run["accum"]),
              "--seed", str(run["seed"]), "--max-steps", str(STEPS)], tmp_path)
    ours = metrics(tmp_path / "metrics.jsonl")
    assert sorted(ours) == sorted(run["metrics"]) == list(range(1, STEPS + 1))
    for step in ours:
        assert ours[step]["world_size"] == 2
        assert_matches(ours[step], run["metrics"][step], step)
    assert abs(ours[1]["loss"] - math.log(2)) < 1e-5, "step 1: policy = reference"
    assert all(abs(run["metrics"][s]["loss"] - math.log(2)) > 1e-2 for s in (2, 3)), "steps 2-3 must be discriminating"

    # The ranks' pairs: disjoint halves whose union is pref's global batch of each step.
    order = expected_order(ws, run["seed"])
    size = run["pairs"] * run["accum"]
    ranks = [[json.loads(line) for line in (tmp_path / "batches" / f"rank{r}.jsonl").read_text().splitlines()] for r in range(2)]
    for step in range(1, STEPS + 1):
        a, b = ranks[0][step - 1], ranks[1][step - 1]
        assert a["step"] == b["step"] == step
        expected = order[(step - 1) * size : step * size]
        assert not set(a["ids"]) & set(b["ids"])
        assert sorted(a["ids"] + b["ids"]) == sorted(expected)
        assert abs(len(a["ids"]) - len(b["ids"])) <= 1 and a["global_ids"] == b["global_ids"] == expected


def test_continuing_prefs_checkpoint_gives_its_next_step(pref_run, tmp_path):
    """From pref's checkpoint-2 (β, λ schedule, T, optimizer settings, moments and data
    position all read from it), two ranks take step 3 as pref took it."""
    pytest.importorskip("transformers")
    ws = pref_run["workspace"]
    torchrun(["--workspace", str(ws), "--resume-from", str(ws / "runs" / "shift" / "checkpoint-2"),
              "--pairs-per-batch", str(pref_run["pairs"])], tmp_path)
    ours = metrics(tmp_path / "metrics.jsonl")
    assert sorted(ours) == [3]
    assert_matches(ours[3], pref_run["metrics"][3], 3)


def test_loss_scales_the_rejected_log_ratio_only():
    pc, pr = torch.tensor([-10.0, -20.0], dtype=torch.float64), torch.tensor([-12.0, -18.0], dtype=torch.float64)
    rc, rr = torch.tensor([-11.0, -19.0], dtype=torch.float64), torch.tensor([-11.5, -19.5], dtype=torch.float64)
    losses, chosen, rejected = dpo_shift_loss(pc, pr, rc, rr, beta=0.5, lam=0.75)
    for i in range(2):
        z = 0.5 * ((pc[i] - rc[i]) - 0.75 * (pr[i] - rr[i]))
        assert float(losses[i]) == pytest.approx(math.log1p(math.exp(-float(z))), rel=1e-12)
        assert float(chosen[i]) == pytest.approx(0.5 * float(pc[i] - rc[i]))
        assert float(rejected[i]) == pytest.approx(0.5 * float(pr[i] - rr[i]))  # no λ in the rewards
    dpo, _, _ = dpo_shift_loss(pc, pr, rc, rr, beta=0.5, lam=1.0)
    assert not torch.allclose(losses, dpo)


class _TableModel(torch.nn.Module):
    """logits[t] = row `input_ids[t]` of a fixed table: log-probs are easy to write out."""

    def __init__(self, vocab: int):
        super().__init__()
        self.table = torch.nn.Parameter(torch.randn(vocab, vocab, generator=torch.Generator().manual_seed(0)))

    def forward(self, input_ids, attention_mask=None):
        return type("Out", (), {"logits": self.table[input_ids]})()


def test_sequence_logps_sum_the_predictions_of_response_tokens_only():
    model = _TableModel(9)
    pairs = [{"prompt_ids": [1, 2, 3], "chosen_ids": [4, 5], "rejected_ids": [6, 7, 8], "ref_chosen_logps": 0.0,
              "ref_rejected_logps": 0.0},
             {"prompt_ids": [2], "chosen_ids": [3, 4, 5, 6], "rejected_ids": [7], "ref_chosen_logps": 0.0,
              "ref_rejected_logps": 0.0}]
    batch = pref_data.DPOCollator(pad_token_id=0, layout="concatenated")(pairs)
    with torch.no_grad():
        sums = sequence_logps(model, batch)
    logp = model.table.detach().double().log_softmax(-1)

    def expected(prompt, response):
        seq = prompt + response
        return sum(float(logp[seq[t - 1], seq[t]]) for t in range(len(prompt), len(seq)))

    for i, p in enumerate(pairs):
        assert float(sums["chosen"][i]) == pytest.approx(expected(p["prompt_ids"], p["chosen_ids"]), rel=1e-6)
        assert float(sums["rejected"][i]) == pytest.approx(expected(p["prompt_ids"], p["rejected_ids"]), rel=1e-6)
    assert float(sums["tokens_chosen"]) == 6 and float(sums["tokens_rejected"]) == 4


def test_schedules_follow_pref():
    assert LambdaSchedule.parse("none").value(3, 10) == 1.0
    assert LambdaSchedule.parse("fixed:0.75").value(9, 10) == 0.75
    assert LambdaSchedule.parse("linear-increase:0.5").value(2, 8) == pytest.approx(0.5 + 0.5 * 2 / 8)
    assert LambdaSchedule.parse("linear-decrease:0.75:0.95").value(3, 4) == pytest.approx(0.95 - 0.2 * 3 / 4)
    with pytest.raises(ValueError):
        LambdaSchedule.parse("linear-decrease:1.2")
    # ceil(0.1 × 10) = 1 warmup step: the first step runs at 0, as in HF's Trainer.
    assert learning_rate(0, 1e-3, 0.1, 10) == 0.0
    assert learning_rate(1, 1e-3, 0.1, 10) == pytest.approx(1e-3)
    assert learning_rate(5, 1e-3, 0.1, 10, "linear") == pytest.approx(1e-3 * 5 / 9)


class _Stages:
    def __init__(self, stages):
        self.stages = stages


def test_step_sampler_takes_prefs_micro_batches_and_wraps_epochs():
    data = _Stages([0] * 4 + [1] * 3)  # 7 pairs: micro-batches of 2 → 4 per epoch; 2 per step → 2 steps per epoch
    order = pref_data.epoch_order(data.stages, "dpo", 5, 0)
    assert order == pref_data.epoch_order(data.stages, "dpo", 5, 3) == pref_data.epoch_order(data.stages, "stage_shuffle", 5, 0)
    ranks = [DPOStepSampler(data, 2, 2, seed=5, epochs=2, rank=r, world_size=2) for r in range(2)]
    steps = [list(s.steps()) for s in ranks]
    assert ranks[0].total_steps == 4 and len(steps[0]) == 4
    assert [s.global_positions for s in steps[0]] == [order[:4], order[4:], order[:4], order[4:]]
    assert [(s.epoch, s.cursor) for s in steps[0]] == [(0, 2), (0, 4), (1, 2), (1, 4)]
    for a, b in zip(*steps):
        assert a.rank_positions == a.global_positions[0::2] and b.rank_positions == b.global_positions[1::2]
    resumed = DPOStepSampler(data, 2, 2, seed=5, epochs=2, rank=0, world_size=2)
    resumed.set_state(2, 0, 4)  # what pref's checkpoint-2 holds: epoch 0, 4 micro-batches consumed
    assert [s.global_positions for s in resumed.steps()] == [order[:4], order[4:]]
