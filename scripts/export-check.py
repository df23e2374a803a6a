#!/usr/bin/env python3
"""Checks `pref export` against the Python tools that read its output: datasets, pyarrow, TRL.

Install (once; a CPU build of torch is enough):

    python3 -m venv .venv-export
    .venv-export/bin/pip install torch transformers trl datasets pyarrow

Run from the repository root:

    swift build -c release
    .venv-export/bin/python scripts/export-check.py [--pref .build/release/pref] [--data ../shared/data] [--keep DIR]

It builds a real workspace with the pref binary: the ultrafeedback_binarized sample
(train_prefs + test_prefs) and no_robots' SFT conversations from ../shared/data are ingested,
split 10% test by prompt, paired (binarized, 3-stage curriculum) and tokenized with
SmolLM2-135M-Instruct's tokenizer and chat template. Then it runs `pref export pairs`
(Parquet, two files per split; and JSON lines), `pref export sft` and `pref export tokenized
--kind pairs|sft`, and checks:

  1. datasets.load_dataset("parquet"/"json", data_dir=EXPORT) and load_dataset(EXPORT) (the
     card's `configs:`) give the train/test splits with the right rows and columns;
  2. pyarrow's rows equal the JSON-lines export and `pref cat` of the same file;
  3. every pair equals its source row (prompt, chosen, rejected, scores, prompt_id), the
     curriculum shows in row order (stages ascending, easier = larger gaps first), every file
     carries pref.version and the settings in its key-value metadata;
  4. TRL's own DPO data preparation runs on the exported pairs: a DPOTrainer with a tiny,
     randomly initialised LlamaForCausalLM and SmolLM2's tokenizer applies the chat template
     and tokenizes them, its ids equal `pref export tokenized`'s row for row, and its
     collator builds a batch; TRL's SFTTrainer takes the tokenized SFT export as already
     processed and its collator builds a batch, with position ids restarting at each document;
  5. on a second, 16-pair workspace where `pref train` runs one SFT and one DPO step (storing
     the reference log-probs), both exports' ref_chosen_logps / ref_rejected_logps equal the
     catalog's values and TRL's DataCollatorForPreference carries them into its batch.

Exits 1 on the first mismatch, printing what differed.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"MISMATCH: {message}")
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class Pref:
    def __init__(self, binary, workspace):
        self.binary, self.workspace = binary, workspace

    def __call__(self, *args, json_out=False):
        command = [self.binary, *args, "--workspace", self.workspace, "--quiet"] + (["--json"] if json_out else [])
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            fail(f"`pref {' '.join(args)}` exited {done.returncode}: {done.stderr.strip()}")
        return json.loads(done.stdout) if json_out else done.stdout


def build_workspace(pref, data):
    uf = os.path.join(data, "ultrafeedback_binarized")
    pref("ingest", os.path.join(uf, "train_prefs.jsonl"), os.path.join(uf, "test_prefs.jsonl"),
         os.path.join(data, "ultrachat", "no_robots_test_sft.parquet"))
    pref("split", "--test", "0.1", "--no-respect-source-splits")
    pairs = pref("pairs", "--strategy", "binarized", "--curriculum", "stages:3", json_out=True)
    # 4096 tokens: no sample pair is truncated, so TRL's ids can be compared whole.
    pref("tokenize", "--tokenizer", os.path.join(data, "smollm2-135m-instruct"), "--max-length", "4096", "--date", "2026-01-15")
    return pairs


def export(pref, out, *args):
    report = pref("export", *args, "--to", out, json_out=True)
    print(f"pref export {' '.join(args)}: " + ", ".join(f"{s['split']} {s['rows']} rows / {s['files']} files" for s in report["splits"]))
    return report


def data_files(folder, split):
    names = sorted(n for n in os.listdir(os.path.join(folder, "data")) if n.startswith(split + "-"))
    return [os.path.join(folder, "data", n) for n in names]


def check_layout(folder, report, extension):
    """Hub file names, the card's configs, and the rows per split that load_dataset sees."""
    import datasets
    for split in report["splits"]:
        n = split["files"]
        expected = [f"{split['split']}-{i:05d}-of-{n:05d}.{extension}" for i in range(n)]
        check([os.path.basename(p) for p in data_files(folder, split["split"])] == expected, f"{folder}: file names {expected}")
    card = open(os.path.join(folder, "README.md"), encoding="utf-8").read()
    front = "---\nconfigs:\n- config_name: default\n  data_files:\n" + "".join(
        f"  - split: {s['split']}\n    path: data/{s['split']}-*\n" for s in report["splits"]) + "---\n"
    check(card.startswith(front), f"{folder}/README.md front matter:\n{card[:300]}")
    builder = "parquet" if extension == "parquet" else "json"
    for loaded in (datasets.load_dataset(builder, data_dir=folder), datasets.load_dataset(folder)):
        check(sorted(loaded.keys()) == sorted(s["split"] for s in report["splits"]), f"{folder}: splits {list(loaded.keys())}")
        for s in report["splits"]:
            check(loaded[s["split"]].num_rows == s["rows"], f"{folder}: {s['split']} has {loaded[s['split']].num_rows} rows, pref wrote {s['rows']}")
            check(loaded[s["split"]].column_names == report["columns"], f"{folder}: columns {loaded[s['split']].column_names}")
    return loaded


def pyarrow_rows(folder, split):
    import pyarrow.parquet as pq
    rows = []
    for path in data_files(folder, split):
        rows += pq.read_table(path).to_pylist()
    return rows


def check_metadata(folder, required):
    import pyarrow.parquet as pq
    for split in ("train", "test"):
        for path in data_files(folder, split):
            meta = pq.read_metadata(path).metadata
            check(meta.get(b"pref.version"), f"{path}: no pref.version metadata")
            settings = json.loads(meta[b"pref.settings"])
            check(all(k in settings for k in required), f"{path}: pref.settings has {list(settings)}, needs {required}")
            export = json.loads(meta[b"pref.export"])
            check(export["split"] == split, f"{path}: pref.export {export}")


def check_same_rows(parquet_dir, jsonl_dir, pref):
    """pyarrow == JSON lines export == `pref cat`, row for row."""
    for split in ("train", "test"):
        arrow = pyarrow_rows(parquet_dir, split)
        lines = []
        for path in data_files(jsonl_dir, split):
            lines += open(path, encoding="utf-8").read().splitlines()
        check(len(lines) == len(arrow), f"{split}: jsonl has {len(lines)} rows, parquet {len(arrow)}")
        check([json.loads(line) for line in lines] == arrow, f"{split}: jsonl rows differ from pyarrow's")
        cat = []
        for path in data_files(parquet_dir, split):
            cat += pref("cat", path).splitlines()
        check(cat == lines, f"{split}: `pref cat` differs from the jsonl export")


def check_pairs_against_source(data, parquet_dir, pairs_report):
    """Each exported pair is its source row; the curriculum shows in row order."""
    source = {}
    for name in ("train_prefs.jsonl", "test_prefs.jsonl"):
        for line in open(os.path.join(data, "ultrafeedback_binarized", name), encoding="utf-8"):
            row = json.loads(line)
            source.setdefault(row["prompt_id"], []).append(row)
    total = 0
    for split in ("train", "test"):
        rows = pyarrow_rows(parquet_dir, split)
        total += len(rows)
        for row in rows:
            candidates = source.get(row["prompt_id"], [])
            match = [s for s in candidates if s["chosen"][:-1] == row["prompt"] and s["chosen"][-1:] == row["chosen"]
                     and s["rejected"][-1:] == row["rejected"] and s["score_chosen"] == row["score_chosen"]
                     and s["score_rejected"] == row["score_rejected"]]
            check(match, f"{split}: pair {row['prompt_id']} matches no source row")
            check(hashlib.sha256(row["prompt"][-1]["content"].encode()).hexdigest() == row["prompt_id"], f"prompt_id of {row['prompt_id']}")
            check(row["score_gap"] == row["score_chosen"] - row["score_rejected"], f"score_gap of {row['prompt_id']}")
        stages = [r["stage"] for r in rows]
        check(stages == sorted(stages) and set(stages) == {0, 1, 2}, f"{split}: stages in row order {stages[:20]}…")
        for k in (0, 1):
            easier = min(r["score_gap"] for r in rows if r["stage"] == k)
            harder = max(r["score_gap"] for r in rows if r["stage"] == k + 1)
            check(easier >= harder, f"{split}: stage {k} has gap {easier} below stage {k + 1}'s {harder}")
    check(total == pairs_report["pairs"], f"exported {total} pairs, pref pairs made {pairs_report['pairs']}")
    print(f"pairs: {total} rows equal their ultrafeedback_binarized source rows; stages ascending, gaps falling")


def tiny_llama(tokenizer):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                        num_attention_heads=2, num_key_value_heads=1, pad_token_id=tokenizer.pad_token_id))


def check_trl_dpo(pairs_dir, tokenized_dir, tokenizer_dir, scratch):
    """TRL prepares the exported pairs itself; its ids must be pref's tokenized export."""
    import datasets
    from transformers import AutoTokenizer
    from trl import DPOConfig, DPOTrainer
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dataset = datasets.load_dataset("parquet", data_dir=pairs_dir)
    config = DPOConfig(output_dir=os.path.join(scratch, "dpo"), report_to=[], max_length=4096, per_device_train_batch_size=4,
                       use_cpu=True, logging_steps=1, save_strategy="no")
    trainer = DPOTrainer(model=tiny_llama(tokenizer), ref_model=tiny_llama(tokenizer), args=config, processing_class=tokenizer,
                         train_dataset=dataset["train"], eval_dataset=dataset["test"])
    prepared = {"train": trainer.train_dataset, "test": trainer.eval_dataset}
    tokenized = datasets.load_dataset("parquet", data_dir=tokenized_dir)
    for split, ours in tokenized.items():
        theirs = prepared[split]
        check(theirs.num_rows == ours.num_rows, f"{split}: TRL prepared {theirs.num_rows} pairs, pref tokenized {ours.num_rows}")
        for i in range(ours.num_rows):
            for column in ("prompt_ids", "chosen_ids", "rejected_ids"):
                check(theirs[i][column] == ours[i][column],
                      f"{split} row {i}: TRL's {column} ({len(theirs[i][column])} ids) differ from pref's ({len(ours[i][column])})")
            check(theirs[i]["stage"] == ours[i]["stage"], f"{split} row {i}: stage")
    batch = next(iter(trainer.get_train_dataloader()))
    check(batch["input_ids"].shape[0] == 8 and batch["completion_mask"].sum() > 0, f"DPO collator batch {batch['input_ids'].shape}")
    print(f"TRL DPOTrainer: tokenized {sum(d.num_rows for d in prepared.values())} exported pairs with the chat template; "
          f"prompt/chosen/rejected ids equal pref's tokenized export; collated batch {tuple(batch['input_ids'].shape)}")


def check_trl_sft(sft_tokenized_dir, tokenizer_dir, scratch):
    """TRL's SFTTrainer takes the tokenized SFT export as processed and collates it."""
    import datasets
    import torch
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dataset = datasets.load_dataset("parquet", data_dir=sft_tokenized_dir)
    config = SFTConfig(output_dir=os.path.join(scratch, "sft"), report_to=[], max_length=None, per_device_train_batch_size=2,
                       use_cpu=True, save_strategy="no")
    trainer = SFTTrainer(model=tiny_llama(tokenizer), args=config, processing_class=tokenizer, train_dataset=dataset["train"])
    prepared = trainer.train_dataset
    for i in range(prepared.num_rows):
        row, ours = prepared[i], dataset["train"][i]
        check(row["input_ids"] == ours["input_ids"], f"sft row {i}: TRL changed the input ids")
        expected = [t if m else -100 for t, m in zip(ours["input_ids"], ours["assistant_masks"])]
        check(row["labels"] == expected, f"sft row {i}: TRL's labels do not follow the exported assistant_masks")
    collator = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id, padding_free=True)
    rows = [prepared[i] for i in range(2)]
    batch = collator(rows)
    starts = (batch["position_ids"][0] == 0).nonzero().flatten().tolist()
    lengths = [n for r in rows for n in r["seq_lengths"]]
    expected_starts = [sum(lengths[:k]) for k in range(len(lengths))]
    check(starts == expected_starts, f"padding-free position ids restart at {starts}, documents start at {expected_starts}")
    check(torch.equal(batch["input_ids"][0], torch.tensor([t for r in rows for t in r["input_ids"]])), "padding-free input ids")
    print(f"TRL SFTTrainer: {prepared.num_rows} tokenized SFT rows taken as processed, labels = assistant_masks; "
          f"padding-free collator restarts positions at the {len(lengths)} document starts of 2 rows")


def check_reference_logps(binary, data, scratch):
    """pref's stored reference log-probs reach TRL's ref_chosen_logps / ref_rejected_logps columns.

    A second, small workspace (16 real pairs, 512-token limit) where `pref train` runs one SFT step
    and one DPO step, which stores the reference model's summed log-probs of every pair."""
    import sqlite3
    import torch
    from trl.trainer.dpo_trainer import DataCollatorForPreference
    sample = os.path.join(scratch, "ref-sample.jsonl")
    with open(os.path.join(data, "ultrafeedback_binarized", "test_prefs.jsonl"), encoding="utf-8") as source, open(sample, "w", encoding="utf-8") as out:
        rows = [json.loads(line) for line in source]
        out.writelines(json.dumps(r) + "\n" for r in [r for r in rows if r["score_chosen"] > r["score_rejected"]][:16])
    workspace = os.path.join(scratch, "ref-workspace")
    pref = Pref(binary, workspace)
    pref("ingest", sample)
    pref("split", "--test", "0.25", "--no-respect-source-splits")
    pref("pairs", "--strategy", "binarized", "--curriculum", "stages:2")
    pref("tokenize", "--tokenizer", os.path.join(data, "smollm2-135m-instruct"), "--max-length", "512", "--sft-from", "chosen", "--date", "2026-01-15")
    pref("train", "--stage", "sft", "--model", "tiny", "--run", "sft", "--max-steps", "1")
    pref("train", "--stage", "dpo", "--from", "sft", "--run", "dpo", "--max-steps", "1")
    pairs_dir, tokenized_dir = os.path.join(scratch, "ref-pairs"), os.path.join(scratch, "ref-tokenized")
    export(pref, pairs_dir, "pairs")
    export(pref, tokenized_dir, "tokenized", "--kind", "pairs")
    catalog = sqlite3.connect(os.path.join(workspace, "pref.sqlite"))
    checked = 0
    for split in ("train", "test"):
        stored = catalog.execute("SELECT ref_chosen_logp, ref_rejected_logp FROM examples WHERE kind = 'preference' AND split = ? "
                                 "ORDER BY stage, curriculum_rank, id", (split,)).fetchall()
        check(stored and all(c is not None and r is not None for c, r in stored), f"{split}: pref train stored no reference log-probs")
        for folder in (pairs_dir, tokenized_dir):
            exported = [(r["ref_chosen_logps"], r["ref_rejected_logps"]) for r in pyarrow_rows(folder, split)]
            check(exported == stored, f"{folder} {split}: reference log-probs {exported[:2]}… differ from the catalog's {stored[:2]}…")
        rows = pyarrow_rows(tokenized_dir, split)[:4]
        batch = DataCollatorForPreference(pad_token_id=0)(rows)
        # The collator makes float32 tensors: compare with the catalog's values converted the same way.
        check(torch.equal(batch["ref_chosen_logps"], torch.tensor([c for c, _ in stored[:4]]))
              and torch.equal(batch["ref_rejected_logps"], torch.tensor([r for _, r in stored[:4]])),
              f"{split}: DataCollatorForPreference's reference tensors {batch['ref_chosen_logps']} differ from {stored[:4]}")
        checked += len(stored)
    print(f"reference log-probs: {checked} pairs' values from `pref train` equal the ref_chosen_logps / ref_rejected_logps "
          f"columns of both exports and TRL's DataCollatorForPreference batch")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pref", default=os.path.join(ROOT, ".build", "release", "pref"))
    parser.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    parser.add_argument("--keep", help="build the workspace and exports here and keep them")
    args = parser.parse_args()
    check(os.access(args.pref, os.X_OK), f"{args.pref} is not an executable: run `swift build -c release` first")
    check(os.path.isdir(os.path.join(args.data, "ultrafeedback_binarized")), f"{args.data} lacks ultrafeedback_binarized")
    scratch = args.keep or tempfile.mkdtemp(prefix="pref-export-check-")
    if args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch)
    try:
        pref = Pref(args.pref, os.path.join(scratch, "workspace"))
        pairs_report = build_workspace(pref, args.data)
        out = {name: os.path.join(scratch, name) for name in ("pairs", "pairs-jsonl", "sft", "tokenized-pairs", "tokenized-sft")}
        pairs = export(pref, out["pairs"], "pairs", "--rows-per-file", "500")
        check(pairs["splits"][0]["files"] == 2, "the train split should take 2 files at 500 rows per file")
        pairs_jsonl = export(pref, out["pairs-jsonl"], "pairs", "--rows-per-file", "500", "--format", "jsonl")
        sft = export(pref, out["sft"], "sft")
        tok_pairs = export(pref, out["tokenized-pairs"], "tokenized", "--kind", "pairs")
        tok_sft = export(pref, out["tokenized-sft"], "tokenized", "--kind", "sft")

        check_layout(out["pairs"], pairs, "parquet")
        check_layout(out["pairs-jsonl"], pairs_jsonl, "jsonl")
        check_layout(out["sft"], sft, "parquet")
        check_layout(out["tokenized-pairs"], tok_pairs, "parquet")
        check_layout(out["tokenized-sft"], tok_sft, "parquet")
        print("datasets.load_dataset: every export loads with its splits, rows and columns (data_dir and the card's configs)")
        check_metadata(out["pairs"], ["split", "pairs"])
        check_metadata(out["sft"], ["split"])
        check_metadata(out["tokenized-pairs"], ["split", "pairs", "tokenize"])
        print("metadata: every Parquet file carries pref.version, pref.settings and pref.export")
        check_same_rows(out["pairs"], out["pairs-jsonl"], pref)
        print("pyarrow rows == jsonl export == pref cat, for both splits")
        check_pairs_against_source(args.data, out["pairs"], pairs_report)
        for split in ("train", "test"):
            for row in pyarrow_rows(out["sft"], split):
                check(row["messages"][-1]["role"] == "assistant" and row["prompt"] == next(m["content"] for m in row["messages"] if m["role"] == "user"),
                      f"sft row {row['prompt_id']}: prompt/messages")
        tokenizer_dir = os.path.join(args.data, "smollm2-135m-instruct")
        check_trl_dpo(out["pairs"], out["tokenized-pairs"], tokenizer_dir, scratch)
        check_trl_sft(out["tokenized-sft"], tokenizer_dir, scratch)
        check_reference_logps(args.pref, args.data, scratch)
        print("export-check: all checks passed")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
