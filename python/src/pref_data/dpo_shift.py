"""DPO-Shift on a pref workspace in PyTorch, data-parallel over ranks (torchrun + DDP; gloo
on CPU), with the same batches, loss and optimizer step as `pref train --stage dpo`.

What it mirrors (Sources/Train):

- Order (`order="dpo"`, order.py): pairs of the train split by curriculum stage, each stage
  shuffled with seed + stage, the same order every epoch.
- Batches (ShardPreferenceBatches, TrainingLoop): micro-batch k is positions
  [k·P, (k+1)·P) of that order (P = pairs per micro-batch); optimizer step s takes the next
  G micro-batches (G = gradient accumulation; an epoch's last step may take fewer). That
  step's pairs are its *global batch*. With W ranks, rank r takes positions r, r + W, … of
  the global batch (the DistributedSampler contract, `distributed.rank_slice(even=False)`),
  so the ranks are disjoint and their union is the global batch.
- Loss (DPOShiftLoss.swift, docs/DPO_SHIFT.md §1.2): per pair
  z = β·[(log π(y_w) − log π_ref(y_w)) − λ·(log π(y_l) − log π_ref(y_l))],
  loss = −(1−ε)·log σ(z) − ε·log σ(−z), averaged over the pairs of the global batch (pref
  weights each micro-batch's mean by its pairs: the same thing). log π are sums of the
  response tokens' log-probs (the prediction of every response token, none of the
  prompt's); π_ref's sums are the ones `pref train --stage dpo` stored in the index.
- λ per optimizer step t of T (LambdaSchedule.swift): fixed, linear increase
  λ_min + (λ_max − λ_min)·t/T, linear decrease λ_max − (λ_max − λ_min)·t/T.
- Step (TrainingSession.swift): gradient clipping to a global norm, AdamW (decay on
  matrices only), learning rate of step t from linear warmup (ceil(ratio·T) steps) then
  cosine / linear / constant.
- Metrics with TRL's names, as pref writes them to metrics.jsonl: loss, rewards/chosen,
  rewards/rejected (β·(log π − log π_ref), no λ), rewards/accuracies, rewards/margins,
  logps/chosen, logps/rejected, dpo_lambda, logits/chosen, logits/rejected (mean logit over
  the vocabulary at the response positions), learning_rate, grad_norm; summed over ranks
  with all_reduce before dividing.

A run can start from a model folder (e.g. the SFT run the DPO run starts from) or continue
from a pref DPO checkpoint (`resume_from=RUN/checkpoint-N`): weights, AdamW moments and
step from the checkpoint, the position in the data from its trainer_state.json, and the
run's β, λ schedule, T and optimizer settings from the state's `info`.

    torchrun --nproc_per_node 2 -m pref_data.dpo_shift --workspace WS --model WS/runs/sft \\
        --pairs-per-batch 4 --grad-accum 2 --shift fixed:0.75 --max-steps 1 --out OUT
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
from dataclasses import dataclass, field, fields
from typing import Iterator, Optional, Sequence

import torch
import torch.distributed as dist
import torch.nn.functional as F
import torch.utils.data as tud

from .collate import DPOCollator
from .datasets import PreferenceDataset
from .distributed import rank_slice, resolve_rank
from .order import epoch_order

STAT_NAMES = ("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen", "logps/rejected")


# --- λ and learning-rate schedules -------------------------------------------------------


@dataclass(frozen=True)
class LambdaSchedule:
    """pref's `--shift`: `none`, `fixed:L`, `linear-increase:MIN[:MAX]`,
    `linear-decrease:MIN[:MAX]` (MAX defaults to 1)."""

    kind: str
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> "LambdaSchedule":
        parts = text.split(":")

        def number(i: int) -> float:
            try:
                value = float(parts[i])
            except (IndexError, ValueError):
                raise ValueError(f"--shift {text}: expected a number after {parts[0]!r}:") from None
            if not math.isfinite(value):
                raise ValueError(f"--shift {text}: expected a finite number")
            return value

        if parts == ["none"]:
            return cls("fixed", 1.0, 1.0)
        if parts[0] == "fixed" and len(parts) == 2:
            lam = number(1)
            return cls("fixed", lam, lam)
        if parts[0] in ("linear-increase", "linear-decrease") and len(parts) in (2, 3):
            low, high = number(1), number(2) if len(parts) == 3 else 1.0
            if low > high:
                raise ValueError(f"--shift {text}: MIN is above MAX")
            return cls(parts[0], low, high)
        raise ValueError(f"--shift {text}: use none, fixed:L, linear-increase:MIN[:MAX] or linear-decrease:MIN[:MAX]")

    def value(self, step: int, total_steps: int) -> float:
        """λ at optimizer step `step` (0-based) of `total_steps`."""
        fraction = step / max(1, total_steps)
        if self.kind == "fixed":
            return self.low
        if self.kind == "linear-increase":
            return self.low + (self.high - self.low) * fraction
        return self.high - (self.high - self.low) * fraction


def learning_rate(step: int, peak: float, warmup_ratio: float, total_steps: int, decay: str = "cosine") -> float:
    """pref's LearningRateSchedule (transformers' get_{cosine,linear}_schedule_with_warmup):
    the rate of optimizer step `step` (0-based); with warmup the first step runs at 0."""
    total = max(1, total_steps)
    warmup = max(0, math.ceil(warmup_ratio * total_steps))
    if step < warmup:
        return peak * step / max(1, warmup)
    span = max(1, total - warmup)
    if decay == "constant":
        return peak
    if decay == "linear":
        return peak * max(0.0, (total - step) / span)
    if decay == "cosine":
        return peak * max(0.0, 0.5 * (1 + math.cos(math.pi * 2 * 0.5 * (step - warmup) / span)))
    raise ValueError(f"lr schedule must be cosine, linear or constant, got {decay!r}")


# --- loss and log-probs ------------------------------------------------------------------


def dpo_shift_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, ref_chosen: torch.Tensor,
                   ref_rejected: torch.Tensor, beta: float, lam: float, label_smoothing: float = 0.0):
    """Per-pair DPO-Shift losses and TRL's λ-free rewards:
    z = β·[(π_c − ref_c) − λ·(π_r − ref_r)], loss = −(1−ε)·log σ(z) − ε·log σ(−z).
    Returns (losses, chosen_rewards, rejected_rewards), each [B]."""
    chosen_ratio = policy_chosen - ref_chosen
    rejected_ratio = policy_rejected - ref_rejected
    z = beta * (chosen_ratio - lam * rejected_ratio)
    losses = -(1 - label_smoothing) * F.logsigmoid(z) - label_smoothing * F.logsigmoid(-z)
    return losses, beta * chosen_ratio.detach(), beta * rejected_ratio.detach()


def sequence_logps(model, batch: dict) -> dict:
    """Summed response log-probs of a `DPOCollator(layout="concatenated")` batch (B chosen
    rows, then B rejected rows). Token t is scored by the logits at t − 1, and counts when
    `completion_mask[t]` is 1: every response token, never a prompt token or padding (the
    rows of ShardRows.preferenceRows). Sums are float64; so are the logit totals."""
    input_ids, attention_mask = batch["input_ids"], batch["attention_mask"]
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1].float()
    targets = input_ids[:, 1:]
    mask = batch["completion_mask"][:, 1:].to(logits.dtype)
    token_logps = torch.gather(logits.log_softmax(-1), 2, targets.unsqueeze(-1)).squeeze(-1)
    sums = (token_logps * mask).double().sum(-1)
    logit_means = (logits.detach().mean(-1) * mask).double().sum(-1)
    pairs = input_ids.shape[0] // 2
    return {
        "chosen": sums[:pairs], "rejected": sums[pairs:],
        "logits_chosen": logit_means[:pairs].sum(), "logits_rejected": logit_means[pairs:].sum(),
        "tokens_chosen": mask[:pairs].sum().double(), "tokens_rejected": mask[pairs:].sum().double(),
    }


# --- pref's batches, split over ranks ----------------------------------------------------


@dataclass
class StepBatch:
    step: int                 # 0-based optimizer step
    epoch: int
    cursor: int               # micro-batches of `epoch` consumed after this step
    global_positions: list    # dataset positions of the whole step, in pref's order
    rank_positions: list      # this rank's share


class DPOStepSampler(tud.Sampler):
    """Per optimizer step, this rank's share of the pairs `pref train --stage dpo` trains on
    at that step (a batch sampler: `DataLoader(dataset, batch_sampler=this)`). Iterates from
    (`epoch`, `cursor`), as pref's TrainerState, until `total_steps`; `steps()` gives the
    global batches as well."""

    def __init__(self, dataset, pairs_per_batch: int, grad_accum: int = 1, seed: int = 42, epochs: int = 1,
                 max_steps: Optional[int] = None, rank: Optional[int] = None, world_size: Optional[int] = None):
        if pairs_per_batch < 1 or grad_accum < 1 or epochs < 1:
            raise ValueError("pairs per batch, gradient accumulation and epochs must be at least 1")
        self.order = epoch_order(dataset.stages, "dpo", seed, 0)
        if not self.order:
            raise ValueError("the workspace has no preference pairs in the train split")
        self.pairs_per_batch = pairs_per_batch
        self.grad_accum = grad_accum
        self.rank, self.world_size = resolve_rank(rank, world_size)
        self.batch_count = -(-len(self.order) // pairs_per_batch)
        per_epoch = -(-self.batch_count // grad_accum)
        self.total_steps = min(max_steps if max_steps is not None else epochs * per_epoch, epochs * per_epoch)
        self.start = (0, 0, 0)  # step, epoch, cursor

    def set_state(self, step: int, epoch: int, cursor: int) -> None:
        self.start = (step, epoch, cursor)

    def steps(self, stop: Optional[int] = None) -> Iterator[StepBatch]:
        step, epoch, cursor = self.start
        stop = self.total_steps if stop is None else min(stop, self.total_steps)
        P = self.pairs_per_batch
        while step < stop:
            if cursor >= self.batch_count:
                epoch, cursor = epoch + 1, 0
            end = min(self.batch_count, cursor + self.grad_accum)
            positions = self.order[cursor * P : end * P]
            yield StepBatch(step, epoch, end, positions, rank_slice(positions, self.rank, self.world_size, even=False))
            step, cursor = step + 1, end

    def __iter__(self) -> Iterator[list]:
        return (s.rank_positions for s in self.steps())

    def __len__(self) -> int:
        return self.total_steps - self.start[0]


# --- the training loop -------------------------------------------------------------------


@dataclass
class DPOShiftConfig:
    workspace: str
    model: Optional[str] = None            # model folder to start from (policy and, in pref, the reference)
    resume_from: Optional[str] = None      # a pref checkpoint-N folder of a DPO run
    out: Optional[str] = None              # metrics.jsonl, batches/rank<r>.jsonl, model/ (with save)
    pairs_per_batch: int = 8
    grad_accum: Optional[int] = None       # the rest: None = from the checkpoint when resuming, else pref's default
    beta: Optional[float] = None
    shift: Optional[str] = None
    label_smoothing: float = 0.0
    lr: Optional[float] = None
    warmup_ratio: Optional[float] = None
    lr_schedule: Optional[str] = None
    weight_decay: Optional[float] = None
    max_grad_norm: Optional[float] = None
    epochs: Optional[int] = None
    max_steps: Optional[int] = None
    seed: Optional[int] = None
    steps: Optional[int] = None            # stop after this many optimizer steps of this call
    micro_batch: Optional[int] = None      # pairs per forward on a rank (default: ceil(pairs_per_batch / world))
    save: bool = False
    threads: int = 1
    backend: str = "gloo"


PREF_DEFAULTS = {"grad_accum": 1, "beta": 0.1, "shift": "none", "lr": 5e-6, "warmup_ratio": 0.1, "lr_schedule": "cosine",
                 "weight_decay": 0.0, "max_grad_norm": 1.0, "epochs": 1, "seed": 42}


def _from_checkpoint(state: dict) -> dict:
    """Settings of the run a pref checkpoint belongs to (trainer_state.json)."""
    info, t = state.get("info", {}), state.get("info", {}).get("training", {})
    out = {"grad_accum": t.get("gradient_accumulation_steps"), "beta": info.get("beta"), "shift": info.get("lambda"),
           "lr": t.get("learning_rate"), "warmup_ratio": t.get("warmup_ratio"), "lr_schedule": t.get("lr_scheduler_type"),
           "weight_decay": t.get("weight_decay"), "max_grad_norm": t.get("max_grad_norm", 0.0), "epochs": t.get("epochs"),
           "max_steps": state["max_steps"], "seed": int(state["seed"])}
    if out["max_grad_norm"] is None:
        out["max_grad_norm"] = 0.0
    return {k: v for k, v in out.items() if v is not None}


def resolve(cfg: DPOShiftConfig) -> tuple[DPOShiftConfig, Optional[dict]]:
    """Fills unset settings: from the checkpoint's trainer state when resuming, else pref's defaults."""
    state = None
    values = {f.name: getattr(cfg, f.name) for f in fields(cfg)}
    if cfg.resume_from:
        with open(os.path.join(cfg.resume_from, "trainer_state.json")) as f:
            state = json.load(f)
        if state.get("info", {}).get("stage") != "dpo":
            raise ValueError(f"{cfg.resume_from}: not a checkpoint of a DPO run")
        values["model"] = cfg.resume_from
        for k, v in _from_checkpoint(state).items():
            if values.get(k) is None:
                values[k] = v
    if not values["model"]:
        raise ValueError("give a model folder to start from (model) or a pref DPO checkpoint (resume_from)")
    for k, v in PREF_DEFAULTS.items():
        if values[k] is None:
            values[k] = v
    if cfg.label_smoothing and not 0 <= cfg.label_smoothing <= 0.5:
        raise ValueError("label smoothing must be in [0, 0.5]")
    return DPOShiftConfig(**values), state


def _load_optimizer_state(optimizer: torch.optim.Optimizer, model, folder: str, step: int) -> None:
    """AdamW moments of a pref checkpoint (`optimizer.safetensors`: `<name>.exp_avg`,
    `<name>.exp_avg_sq`, HF tensor names) into torch's AdamW state."""
    from safetensors.torch import load_file

    path = os.path.join(folder, "optimizer.safetensors")
    moments = load_file(path)
    for name, p in model.named_parameters():
        try:
            avg, avg_sq = moments[name + ".exp_avg"], moments[name + ".exp_avg_sq"]
        except KeyError:
            raise ValueError(f"{path}: no moments for {name}") from None
        optimizer.state[p] = {"step": torch.tensor(float(step)), "exp_avg": avg.reshape(p.shape).clone(),
                              "exp_avg_sq": avg_sq.reshape(p.shape).clone()}


def _chunks(items: Sequence, count: int) -> list[list]:
    """`items` in `count` consecutive chunks whose sizes differ by one at most (some may be empty)."""
    base, extra = divmod(len(items), count)
    out, start = [], 0
    for k in range(count):
        size = base + (1 if k < extra else 0)
        out.append(list(items[start : start + size]))
        start += size
    return out


def train(cfg: DPOShiftConfig) -> list[dict]:
    """Runs the optimizer steps and returns the step records (the same on every rank; rank 0
    writes them to OUT/metrics.jsonl). Under torchrun it joins the process group itself."""
    from transformers import AutoModelForCausalLM

    cfg, state = resolve(cfg)
    torch.set_num_threads(max(1, cfg.threads))
    started_group = False
    if not (dist.is_available() and dist.is_initialized()) and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        dist.init_process_group(cfg.backend)
        started_group = True
    rank, world = resolve_rank(None, None)
    distributed = world > 1

    pairs = PreferenceDataset(cfg.workspace, "train")
    sampler = DPOStepSampler(pairs, cfg.pairs_per_batch, cfg.grad_accum, cfg.seed, cfg.epochs,
                             cfg.max_steps, rank, world)
    total = sampler.total_steps
    step0 = 0
    if state is not None:
        total = state["max_steps"]  # the run's T, for λ and the learning rate
        sampler.total_steps = total
        step0 = state["global_step"]
        sampler.set_state(step0, state["epoch"], state["batch_cursor"])
    schedule = LambdaSchedule.parse(cfg.shift)

    model = AutoModelForCausalLM.from_pretrained(cfg.model).float()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW([g for g in groups if g["params"]], lr=cfg.lr, betas=(0.9, 0.999), eps=1e-8, foreach=False)
    if state is not None:
        _load_optimizer_state(optimizer, model, cfg.resume_from, step0)
    net = torch.nn.parallel.DistributedDataParallel(model) if distributed else model

    pad = model.config.pad_token_id if model.config.pad_token_id is not None else 0
    collate = DPOCollator(pad_token_id=pad, layout="concatenated", ref_dtype=torch.float64)
    micro = cfg.micro_batch or -(-cfg.pairs_per_batch // world)

    out_files = {}
    if cfg.out:
        os.makedirs(os.path.join(cfg.out, "batches"), exist_ok=True)
        out_files["batches"] = open(os.path.join(cfg.out, "batches", f"rank{rank}.jsonl"), "w")
        if rank == 0:
            out_files["metrics"] = open(os.path.join(cfg.out, "metrics.jsonl"), "w")

    records = []
    stop = None if cfg.steps is None else step0 + cfg.steps
    try:
        for batch in sampler.steps(stop):
            lam = schedule.value(batch.step, total)
            rate = learning_rate(batch.step, cfg.lr, cfg.warmup_ratio, total, cfg.lr_schedule)
            examples = [pairs[i] for i in batch.rank_positions]
            if any("ref_chosen_logps" not in e for e in examples):
                raise ValueError(f"{cfg.workspace}: reference log-probs are missing for some pairs; "
                                 "`pref train --stage dpo` computes and stores them")
            n_global = len(batch.global_positions)
            # Every rank runs the same number of backward passes (DDP syncs on the last one).
            n_micro = max(1, -(-(-(-n_global // world)) // micro))
            stats = torch.zeros(len(STAT_NAMES) + 5, dtype=torch.float64)  # + pairs, logits (2 sums, 2 counts)
            for k, chunk in enumerate(_chunks(examples, n_micro)):
                sync = k == n_micro - 1
                with (contextlib.nullcontext() if sync or not distributed else net.no_sync()):
                    if not chunk:
                        # Nothing left for this rank: a zero-weight pass keeps the collectives in step.
                        (net(input_ids=torch.zeros(1, 1, dtype=torch.long)).logits.sum() * 0).backward()
                        continue
                    b = collate(chunk)
                    s = sequence_logps(net, b)
                    losses, rc, rr = dpo_shift_loss(s["chosen"], s["rejected"], b["ref_chosen_logps"],
                                                    b["ref_rejected_logps"], cfg.beta, lam, cfg.label_smoothing)
                    # DDP averages gradients over ranks; × world / pairs of the step makes the
                    # sum over ranks the gradient of the mean over the global batch.
                    (losses.sum() * (world / n_global)).backward()
                    stats += torch.stack([
                        losses.detach().sum(), rc.sum(), rr.sum(), (rc > rr).double().sum(), (rc - rr).sum(),
                        s["chosen"].detach().sum(), s["rejected"].detach().sum(), torch.tensor(float(len(chunk)), dtype=torch.float64),
                        s["logits_chosen"], s["tokens_chosen"], s["logits_rejected"], s["tokens_rejected"],
                    ])
            if distributed:
                dist.all_reduce(stats)
            assert int(stats[7]) == n_global, "the ranks' pairs do not add up to the global batch"
            grad_norm = torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm if cfg.max_grad_norm else float("inf"))
            for g in optimizer.param_groups:
                g["lr"] = rate
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

            record = {"step": batch.step + 1, "epoch": batch.epoch + batch.cursor / sampler.batch_count, "split": "train"}
            record.update({name: float(stats[i] / n_global) for i, name in enumerate(STAT_NAMES)})
            record["dpo_lambda"] = lam
            record["logits/chosen"] = float(stats[8] / stats[9]) if stats[9] > 0 else math.nan
            record["logits/rejected"] = float(stats[10] / stats[11]) if stats[11] > 0 else math.nan
            record.update({"learning_rate": rate, "grad_norm": float(grad_norm), "pairs": n_global, "world_size": world})
            records.append(record)
            if "metrics" in out_files:
                out_files["metrics"].write(json.dumps(record) + "\n")
                out_files["metrics"].flush()
            if "batches" in out_files:
                ids = lambda ps: [pairs.store.rows[p].id for p in ps]  # noqa: E731
                out_files["batches"].write(json.dumps({"step": batch.step + 1, "rank": rank, "ids": ids(batch.rank_positions),
                                                       "global_ids": ids(batch.global_positions)}) + "\n")
                out_files["batches"].flush()
        if cfg.save and cfg.out and rank == 0:
            model.save_pretrained(os.path.join(cfg.out, "model"))
        if distributed:
            dist.barrier()
    finally:
        for f in out_files.values():
            f.close()
        if started_group:
            dist.destroy_process_group()
    return records


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pref_data.dpo_shift", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", required=True)
    start = parser.add_mutually_exclusive_group(required=True)
    start.add_argument("--model", help="model folder to start from (HF layout: a pref run or checkpoint folder)")
    start.add_argument("--resume-from", help="a checkpoint-N folder of a pref DPO run: continue that run")
    parser.add_argument("--out", help="folder for metrics.jsonl, batches/rank<r>.jsonl and, with --save, model/")
    parser.add_argument("--pairs-per-batch", type=int, default=8, help="pref's --pairs-per-batch (pref's checkpoints do not record it)")
    parser.add_argument("--grad-accum", type=int)
    parser.add_argument("--beta", type=float)
    parser.add_argument("--shift", help="none | fixed:L | linear-increase:MIN[:MAX] | linear-decrease:MIN[:MAX]")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--warmup-ratio", type=float)
    parser.add_argument("--lr-schedule", choices=("cosine", "linear", "constant"))
    parser.add_argument("--weight-decay", type=float)
    parser.add_argument("--max-grad-norm", type=float, help="0: no clipping")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--max-steps", type=int, help="the run's total optimizer steps T (pref's --max-steps)")
    parser.add_argument("--steps", type=int, help="stop after this many steps of this invocation")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--micro-batch", type=int, help="pairs per forward pass on a rank")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per rank")
    parser.add_argument("--backend", default="gloo")
    parser.add_argument("--save", action="store_true", help="save the trained model to OUT/model")
    args = vars(parser.parse_args(argv))
    records = train(DPOShiftConfig(**args))
    if int(os.environ.get("RANK", "0")) == 0:
        for r in records:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
