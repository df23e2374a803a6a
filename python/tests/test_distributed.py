"""Per-rank example sets: the DistributedSampler contract, checked against torch's own
sampler and in a real two-process gloo run under torchrun."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from torch.utils.data import DistributedSampler

from pref_data import ExampleStore, epoch_order, shuffled
from pref_data.distributed import rank_slice
from pref_data.order import SplitMix64


@pytest.mark.parametrize("n", [0, 1, 5, 7, 8, 13])
@pytest.mark.parametrize("world", [1, 2, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_rank_slices_equal_torch_distributed_sampler(n, world, drop_last):
    order = [10 * i for i in range(n)]
    for rank in range(world):
        peer = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=False, drop_last=drop_last)
        assert rank_slice(order, rank, world, drop_last) == [order[i] for i in peer]


@pytest.mark.parametrize("n,world", [(7, 2), (13, 4), (3, 5)])
def test_uneven_slices_are_disjoint_and_complete(n, world):
    slices = [rank_slice(range(n), r, world, even=False) for r in range(world)]
    assert sorted(sum(slices, [])) == list(range(n))
    assert max(map(len, slices)) - min(map(len, slices)) <= 1


def test_splitmix64_reference_output():
    # First outputs of Vigna's splitmix64.c seeded with 0.
    random = SplitMix64(0)
    assert [random.next() for _ in range(2)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


def test_orders_are_seeded_and_stage_shuffle_keeps_stages():
    stages = [0] * 5 + [1] * 6 + [2] * 4
    assert epoch_order(stages, "curriculum", 1, 3) == list(range(15))
    a, b = epoch_order(stages, "shuffle", 1, 0), epoch_order(stages, "shuffle", 1, 1)
    assert sorted(a) == list(range(15)) and a != b and a == epoch_order(stages, "shuffle", 1, 0)
    within = epoch_order(stages, "stage_shuffle", 1, 0)
    assert [stages[i] for i in within] == stages and within != list(range(15))
    assert within[5:11] == shuffled(range(5, 11), 1 + 0 + 1)


def test_torchrun_ranks_split_the_examples(workspace, tmp_path):
    torchrun = Path(sys.executable).with_name("torchrun")
    if not torchrun.exists():
        pytest.skip(f"no torchrun beside {sys.executable}")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node", "2", str(Path(__file__).with_name("ddp_worker.py")),
         str(workspace), str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert all(r["world"] == 2 for r in ranks)
    everything = sorted(ExampleStore(workspace, "preference", "train").ids)
    n = len(everything)
    assert n > 1

    for epoch in (0, 1):
        a, b = (r["uneven"][epoch] for r in ranks)
        assert not set(a) & set(b) and sorted(a + b) == everything

        a, b = (r["drop_last"][epoch] for r in ranks)
        assert not set(a) & set(b) and len(a) == len(b) == n // 2

        a, b = (r["pad"][epoch] for r in ranks)
        assert len(a) == len(b) == -(-n // 2) and sorted(set(a + b)) == everything
        assert len(a + b) - n == n % 2, "padding repeats exactly the examples needed to even out"
    assert ranks[0]["pad"][0] != ranks[0]["pad"][1], "set_epoch reshuffles"

    a, b = (r["iterable"] for r in ranks)
    assert not set(a) & set(b) and sorted(a + b) == everything
