"""Run by torchrun in test_distributed: each rank writes the example ids it reads, per
sampler setting and epoch, to OUT/rank<r>.json. Rank and world come from torch.distributed."""

import json
import sys

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from pref_data import IterablePreferenceDataset, PreferenceDataset, ShardSampler


def batch_ids(batch):
    return {"id": torch.tensor([e["id"] for e in batch])}


def ids(loader):
    return [i for batch in loader for i in batch["id"].tolist()]


def main(workspace, out):
    dist.init_process_group("gloo")
    pairs = PreferenceDataset(workspace, "train")
    result = {"world": dist.get_world_size()}
    for name, kwargs in {"pad": {}, "drop_last": {"drop_last": True}, "uneven": {"even": False}}.items():
        sampler = ShardSampler(pairs, order="shuffle", seed=7, **kwargs)
        epochs = []
        for epoch in (0, 1):
            sampler.set_epoch(epoch)
            epochs.append(ids(DataLoader(pairs, batch_size=5, sampler=sampler, collate_fn=batch_ids)))
        result[name] = epochs
    stream = IterablePreferenceDataset(workspace, "train", order="curriculum", even=False)
    result["iterable"] = [e["id"] for e in DataLoader(stream, batch_size=None, num_workers=2)]
    with open(f"{out}/rank{dist.get_rank()}.json", "w") as f:
        json.dump(result, f)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
