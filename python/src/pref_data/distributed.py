"""Which examples each rank reads. The contract is torch's `DistributedSampler`, applied to
the epoch's order:

- `drop_last=False` (default): the order is padded by repeating its head until it divides
  evenly, so every rank gets ceil(n / world) examples; the last few examples of an epoch
  are then read twice (on different ranks). Lengths are equal, so collective ops never hang.
- `drop_last=True`: the tail that does not divide evenly is dropped; ranks are disjoint and
  each gets floor(n / world).
- `even=False` (our addition, for evaluation): no padding and no dropping; ranks are
  disjoint, their union is the whole split, and lengths differ by at most one.

Rank r takes positions r, r + world, r + 2·world, … of the (padded or cut) order, so a
curriculum order stays in order across ranks.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence


def resolve_rank(rank: Optional[int], world_size: Optional[int]) -> tuple[int, int]:
    """The given rank and world size, else torch.distributed's when initialised, else 0 of 1."""
    if rank is None or world_size is None:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            rank = dist.get_rank() if rank is None else rank
            world_size = dist.get_world_size() if world_size is None else world_size
    world_size = 1 if world_size is None else world_size
    rank = 0 if rank is None else rank
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"rank {rank} is outside a world of {world_size}")
    return rank, world_size


def samples_per_rank(n: int, world_size: int, drop_last: bool) -> int:
    if drop_last and n % world_size != 0:
        return math.ceil((n - world_size) / world_size)
    return math.ceil(n / world_size)


def rank_slice(order: Sequence[int], rank: int, world_size: int, drop_last: bool = False, even: bool = True) -> list[int]:
    order = list(order)
    if not even:
        return order[rank::world_size]
    per_rank = samples_per_rank(len(order), world_size, drop_last)
    total = per_rank * world_size
    if total > len(order) and order:
        padding = total - len(order)
        order += (order * math.ceil(padding / len(order)))[:padding]
    else:
        order = order[:total]
    return order[rank:total:world_size]
