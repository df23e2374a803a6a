"""Deterministic example orders. The shuffle is pref's own (SplitMix64 + Fisher–Yates, as in
Sources/Store/SplitMix64.swift and ShardReader.shuffled), so one seed gives one order on
every machine, in Python and in Swift alike."""

from __future__ import annotations

from typing import Sequence

MASK64 = (1 << 64) - 1
ORDERS = ("curriculum", "shuffle", "stage_shuffle", "dpo")


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def shuffled(items: Sequence, seed: int) -> list:
    """The permutation Swift's `ShardReader.shuffled(_:seed:)` makes of `items`."""
    out = list(items)
    random = SplitMix64(seed)
    for i in range(len(out) - 1, 0, -1):
        j = random.next() % (i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def epoch_order(stages: Sequence[int], order: str, seed: int, epoch: int) -> list[int]:
    """Positions 0..n-1 of examples stored in curriculum order (stage, rank, id), arranged
    for `epoch`:

    - "curriculum": as stored, every epoch (easy to hard stages).
    - "shuffle": one seeded permutation per epoch (seed + epoch).
    - "stage_shuffle": stages stay in order, each shuffled with seed + epoch + stage.
    - "dpo": the order `pref train --stage dpo` consumes pairs in, every epoch: stages in
      order, each shuffled with seed + stage (Sources/Train/Data/ShardBatches.swift,
      `ShardPreferenceBatches(shuffleWithinStages: seed)`), and the same order again in
      later epochs (the DPO trainer's loop does not reshuffle: `TrainingLoop(shuffle:
      false)`). It equals "stage_shuffle" at epoch 0 only.
    """
    n = len(stages)
    if order == "curriculum":
        return list(range(n))
    if order == "shuffle":
        return shuffled(range(n), seed + epoch)
    if order in ("stage_shuffle", "dpo"):
        if order == "dpo":
            epoch = 0
        out: list[int] = []
        start = 0
        while start < n:
            end = start
            while end < n and stages[end] == stages[start]:
                end += 1
            out += shuffled(range(start, end), seed + epoch + stages[start])
            start = end
        return out
    raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
