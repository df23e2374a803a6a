"""Read a pref workspace (pref.sqlite + shards/*.zst) from PyTorch."""

from .collate import IGNORE_INDEX, DPOCollator, SFTCollator
from .datasets import (
    IterablePreferenceDataset,
    IterableSFTDataset,
    PreferenceDataset,
    SFTDataset,
    ShardSampler,
)
from .errors import ShardError
from .order import epoch_order, shuffled
from .workspace import ExampleStore

__all__ = [
    "DPOCollator",
    "ExampleStore",
    "IGNORE_INDEX",
    "IterablePreferenceDataset",
    "IterableSFTDataset",
    "PreferenceDataset",
    "SFTCollator",
    "SFTDataset",
    "ShardError",
    "ShardSampler",
    "epoch_order",
    "shuffled",
]
