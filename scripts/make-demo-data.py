#!/usr/bin/env python3
"""Writes the demo's bundled data under demo/data/ (standard library only, deterministic).

Small, learnable tasks so a tiny model trained on two CPU cores for a few minutes shows
real effects: arithmetic, word reversal, sorting, counting letters and a short table of
capitals. Three files in three real layouts:
  sft_chat.jsonl            HuggingFaceH4/ultrachat_200k layout (prompt, prompt_id, messages), multi-turn
  prefs_binarized.jsonl     HuggingFaceH4/ultrafeedback_binarized layout (chosen/rejected + scores, ~10% ties)
  ultrafeedback_raw.jsonl   openbmb/UltraFeedback raw layout (instruction + 4 rated completions)
Run: python3 scripts/make-demo-data.py
"""
import hashlib, json, os, random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "demo", "data")
os.makedirs(OUT, exist_ok=True)
rng = random.Random(20261123)

CAPITALS = [("France", "Paris"), ("Japan", "Tokyo"), ("Italy", "Rome"), ("Spain", "Madrid"), ("Egypt", "Cairo"),
            ("Canada", "Ottawa"), ("Kenya", "Nairobi"), ("Peru", "Lima"), ("Norway", "Oslo"), ("Chile", "Santiago"),
            ("Greece", "Athens"), ("Poland", "Warsaw"), ("Cuba", "Havana"), ("Ireland", "Dublin"), ("India", "New Delhi"),
            ("Brazil", "Brasilia"), ("Germany", "Berlin"), ("Austria", "Vienna"), ("Portugal", "Lisbon"), ("Sweden", "Stockholm")]
WORDS = ["apple", "river", "planet", "garden", "silver", "window", "rocket", "pencil", "forest", "candle", "bridge",
         "mirror", "orange", "tiger", "violin", "castle", "butter", "desert", "island", "summer"]


def task():
    """One question with its correct answer and a plausible wrong one."""
    kind = rng.choice(["add", "sub", "mul", "reverse", "sort", "count", "capital"])
    if kind == "add":
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        return f"What is {a} + {b}?", f"{a} + {b} = {a + b}.", f"{a} + {b} = {a + b + rng.choice([-10, -2, -1, 1, 2, 10])}."
    if kind == "sub":
        a, b = rng.randint(20, 99), rng.randint(1, 19)
        return f"What is {a} - {b}?", f"{a} - {b} = {a - b}.", f"{a} - {b} = {a - b + rng.choice([-3, -1, 1, 3])}."
    if kind == "mul":
        a, b = rng.randint(2, 12), rng.randint(2, 12)
        return f"What is {a} times {b}?", f"{a} times {b} is {a * b}.", f"{a} times {b} is {a * b + rng.choice([-a, a, 1, -1])}."
    if kind == "reverse":
        w = rng.choice(WORDS)
        wrong = w[::-1][1:] + w[-1] if len(w) > 2 else w
        return f"Reverse the word \"{w}\".", f"The reverse of \"{w}\" is \"{w[::-1]}\".", f"The reverse of \"{w}\" is \"{wrong}\"."
    if kind == "sort":
        xs = rng.sample(range(1, 50), rng.randint(3, 6))
        good, bad = sorted(xs), sorted(xs)
        i = rng.randrange(len(bad) - 1)
        bad[i], bad[i + 1] = bad[i + 1], bad[i]
        return (f"Sort these numbers from smallest to largest: {', '.join(map(str, xs))}.",
                f"Sorted: {', '.join(map(str, good))}.", f"Sorted: {', '.join(map(str, bad))}.")
    if kind == "count":
        w = rng.choice(WORDS)
        c = rng.choice(sorted(set(w)))
        n = w.count(c)
        return f"How many times does the letter \"{c}\" appear in \"{w}\"?", f"The letter \"{c}\" appears {n} time{'s' if n != 1 else ''} in \"{w}\".", f"The letter \"{c}\" appears {n + 1} times in \"{w}\"."
    country, city = rng.choice(CAPITALS)
    other = rng.choice([c for _, c in CAPITALS if c != city])
    return f"What is the capital of {country}?", f"The capital of {country} is {city}.", f"The capital of {country} is {other}."


def polite(answer):
    return rng.choice(["Sure! ", "Of course. ", "Happy to help. ", ""]) + answer + rng.choice(["", " Let me know if you need anything else."])


def sha(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


# SFT conversations: 1-3 exchanges, always correct and polite.
sft = []
for _ in range(2400):
    msgs = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        q, good, _bad = task()
        msgs += [{"content": q, "role": "user"}, {"content": polite(good), "role": "assistant"}]
    sft.append({"prompt": msgs[0]["content"], "prompt_id": sha(msgs[0]["content"]), "messages": msgs})
write("sft_chat.jsonl", sft)

# Binarized preferences: chosen correct (often polite), rejected wrong; ~10% ties.
prefs = []
for _ in range(3000):
    q, good, bad = task()
    chosen = polite(good) if rng.random() < 0.7 else good
    if rng.random() < 0.1:
        rejected, sc, sr = polite(good), 8.0, 8.0                  # a tie, like the real data
    else:
        rejected = polite(bad) if rng.random() < 0.5 else bad
        sc, sr = rng.choice([8.0, 8.5, 9.0, 9.5, 10.0]), rng.choice([2.0, 3.0, 4.0, 5.0, 6.0])
    prefs.append({"prompt": q, "prompt_id": sha(q), "chosen": [{"content": q, "role": "user"}, {"content": chosen, "role": "assistant"}],
                  "rejected": [{"content": q, "role": "user"}, {"content": rejected, "role": "assistant"}],
                  "messages": [{"content": q, "role": "user"}, {"content": chosen, "role": "assistant"}],
                  "score_chosen": sc, "score_rejected": sr})
write("prefs_binarized.jsonl", prefs)

# Raw UltraFeedback: 4 completions with distinct quality levels (for best-vs-rest and curricula).
raw = []
models = ["model-a", "model-b", "model-c", "model-d"]
for _ in range(800):
    q, good, bad = task()
    levels = [(polite(good), 9.0, "5"), (good, 7.0, "4"), (polite(bad), 4.0, "2"), (bad, 2.0, "1")]
    rng.shuffle(levels)
    completions = []
    for model, (text, score, rating) in zip(rng.sample(models, 4), levels):
        completions.append({"model": model, "principle": "helpfulness", "custom_system_prompt": "Be accurate.",
                            "response": text, "annotations": {a: {"Rating": rating, "Rationale": "demo"} for a in
                                                              ["helpfulness", "honesty", "instruction_following", "truthfulness"]},
                            "critique": "demo", "overall_score": score, "fine-grained_score": float(rating)})
    raw.append({"source": "demo", "instruction": q, "models": sorted(models), "completions": completions,
                "correct_answers": ["None"], "incorrect_answers": ["None"]})
write("ultrafeedback_raw.jsonl", raw)
print("wrote", {n: os.path.getsize(os.path.join(OUT, n)) for n in sorted(os.listdir(OUT))})
