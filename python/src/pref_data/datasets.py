"""PyTorch datasets over a pref workspace: map-style (with `ShardSampler` for DDP) and
iterable (sharded by rank and DataLoader worker itself)."""

from __future__ import annotations

from typing import Iterator, Optional

import torch.utils.data as tud

from .distributed import rank_slice, resolve_rank, samples_per_rank
from .order import epoch_order
from .workspace import ExampleStore


class _MapDataset(tud.Dataset):
    kind = ""

    def __init__(self, workspace: str, split: str = "train"):
        self.store = ExampleStore(workspace, self.kind, split)

    def __len__(self) -> int:
        return len(self.store)

    def __getitem__(self, i: int) -> dict:
        return self.store[i]

    @property
    def stages(self) -> list[int]:
        """Curriculum stage of each position (what `ShardSampler` needs for "stage_shuffle")."""
        return self.store.stages


class SFTDataset(_MapDataset):
    """SFT rows of one split: dicts with `input_ids`, `loss_mask`, `document_lengths`."""

    kind = "sft"


class PreferenceDataset(_MapDataset):
    """Preference pairs of one split: dicts with `prompt_ids`, `chosen_ids`, `rejected_ids`
    (the keys TRL's DataCollatorForPreference reads) and, when stored, `ref_chosen_logps`
    and `ref_rejected_logps`."""

    kind = "preference"


class ShardSampler(tud.Sampler):
    """Positions of a map-style dataset for this rank, for one epoch: the epoch's order
    (see `order.epoch_order`) cut per rank as `DistributedSampler` does (see
    `distributed`). Call `set_epoch` before each epoch so the shuffle changes; every rank
    must use the same `seed`."""

    def __init__(self, dataset, order: str = "shuffle", seed: int = 0, rank: Optional[int] = None,
                 world_size: Optional[int] = None, drop_last: bool = False, even: bool = True):
        self.stages = dataset.stages
        self.order = order
        self.seed = seed
        self.rank, self.world_size = resolve_rank(rank, world_size)
        self.drop_last = drop_last
        self.even = even
        self.epoch = 0
        epoch_order(self.stages[:0], order, seed, 0)  # rejects an unknown order now, not at the first epoch

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        order = epoch_order(self.stages, self.order, self.seed, self.epoch)
        return iter(rank_slice(order, self.rank, self.world_size, self.drop_last, self.even))

    def __len__(self) -> int:
        n = len(self.stages)
        if not self.even:
            return len(range(self.rank, n, self.world_size))
        return samples_per_rank(n, self.world_size, self.drop_last)


class _IterableDataset(tud.IterableDataset):
    kind = ""

    def __init__(self, workspace: str, split: str = "train", order: str = "shuffle", seed: int = 0,
                 rank: Optional[int] = None, world_size: Optional[int] = None, drop_last: bool = False, even: bool = True):
        self.store = ExampleStore(workspace, self.kind, split)
        self.sampler = ShardSampler(self.store, order, seed, rank, world_size, drop_last, even)

    def set_epoch(self, epoch: int) -> None:
        """Takes effect in DataLoader workers started after the call (not with persistent_workers)."""
        self.sampler.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.sampler)

    def __iter__(self) -> Iterator[dict]:
        positions = list(self.sampler)
        worker = tud.get_worker_info()
        if worker is not None:
            positions = positions[worker.id :: worker.num_workers]
        for i in positions:
            yield self.store[i]


class IterableSFTDataset(_IterableDataset):
    """This rank's (and DataLoader worker's) SFT rows for one epoch, in the epoch's order."""

    kind = "sft"


class IterablePreferenceDataset(_IterableDataset):
    """This rank's (and DataLoader worker's) preference pairs for one epoch, in the epoch's order."""

    kind = "preference"
