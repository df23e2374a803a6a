#!/usr/bin/env python3
"""Writes the hand-made ingest fixtures under fixtures/ingest/ (standard library only).

Every file exercises one dataset layout from ../shared/docs/DATASETS.md together with the
quirks of §8: ties, identical texts, empty responses, "N/A" and "0" ratings, list-vs-struct
annotations, hyphenated field names, odd-length chats, unknown keys, and broken records
whose quarantine reason the tests check. Run: python3 scripts/ingest-fixtures.py
"""
import gzip, hashlib, json, os, subprocess

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ingest")
os.makedirs(OUT, exist_ok=True)


def sha(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def line(obj):
    return json.dumps(obj, ensure_ascii=False)


def write(name, lines):
    with open(os.path.join(OUT, name), "wb") as f:
        for l in lines:
            f.write(l if isinstance(l, bytes) else l.encode("utf-8"))
            f.write(b"\n")


def chat(user, answer, system=None):
    msgs = [{"content": system, "role": "system"}] if system else []
    return msgs + [{"content": user, "role": "user"}, {"content": answer, "role": "assistant"}]


def binarized(prompt, chosen, rejected, sc, sr, **extra):
    row = {"prompt": prompt, "prompt_id": sha(prompt), "chosen": chat(prompt, chosen),
           "rejected": chat(prompt, rejected), "messages": chat(prompt, chosen),
           "score_chosen": sc, "score_rejected": sr}
    row.update(extra)
    return row


# --- ultrafeedback_binarized: 9 good lines (1 duplicate) + 8 bad ones -------------------
good = [
    binarized("How do I boil an egg?", "Boil water, add the egg, wait 9 minutes.", "Use a microwave.", 8.5, 4.0),
    binarized("Sentiment of: 'great film'?", "positive", "positive", 9.5, 8.0),          # identical texts
    binarized("Name a prime number.", "7", "9", 7.0, 7.0),                                 # tie
    binarized("Say nothing.", "", "I will not.", 3.0, 1.0),                                # empty chosen
    binarized("Windows line endings?", "Line one\r\nLine two", "No.", 6.0, 2.0),           # \r\n
    binarized("Emoji please 🎉", "Here: 😀🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "no", 10.0, 1.0),         # outside the BMP
    binarized("翻译：早上好", "Good morning", "Good night", 9.0, 3.0),                     # non-English
    binarized("Extra keys?", "Fine.", "Nope.", 5.0, 2.0,
              chosen_extra=None),
]
# Extra message keys (name / tool_calls) must be tolerated.
good[-1]["chosen"][1]["tool_calls"] = None
good[-1]["chosen"][1]["name"] = "bot"
bad_pid = binarized("Mismatched id", "a", "b", 5.0, 1.0); bad_pid["prompt_id"] = sha("something else")
bad_prompt = binarized("Prompt field differs", "a", "b", 5.0, 1.0); bad_prompt["prompt"] = "another prompt"
null_score = binarized("Null score", "a", "b", None, 1.0)
missing_score = binarized("Missing score", "a", "b", 5.0, 1.0); del missing_score["score_rejected"]
prefix = binarized("Prefix", "a", "b", 5.0, 1.0); prefix["rejected"][0]["content"] = "different user turn"
empty_prompt = binarized("   ", "a", "b", 5.0, 1.0)
write("ultrafeedback_binarized.jsonl",
      [line(r) for r in good] + [line(good[0])] + [
          line(bad_pid), line(bad_prompt), line(null_score),
          line(binarized("NaN score", "a", "b", 5.0, 1.0)).replace('"score_rejected": 1.0', '"score_rejected": NaN'),
          line(missing_score), line(prefix), line(empty_prompt),
          '{"prompt": "truncated", "chosen": [',                                  # malformed JSON
          b'{"prompt": "bad \xc3\x28 bytes", "chosen": [], "rejected": []}',      # invalid UTF-8
          '["an", "array", "not", "an", "object"]',                               # wrong top-level type
          '',                                                                     # blank line: not a record
      ])

# --- openbmb/UltraFeedback raw -------------------------------------------------------
def uf_completion(model, response, overall, ratings, listy=False, fine=None):
    ann = {}
    for aspect, r in ratings.items():
        a = {"Rating": r, "Rationale": "..."}
        ann[aspect] = [a] if listy else a
    c = {"model": model, "principle": "helpfulness", "custom_system_prompt": "Be helpful.",
         "response": response, "annotations": ann, "critique": "ok", "overall_score": overall}
    if fine is not None:
        c["fine-grained_score"] = fine
    return c


uf = [
    {"source": "evol_instruct", "instruction": "Write a haiku about rain.",
     "models": ["alpaca-7b", "gpt-4", "starchat", "vicuna-33b"],
     "completions": [
         uf_completion("gpt-4", "Soft rain on the roof", 8.0,
                       {"helpfulness": "5", "honesty": "N/A", "instruction_following": "4", "truthfulness": "5"}, fine=4.667),
         uf_completion("alpaca-7b", "Rain.", 3.5,
                       {"helpfulness": "2", "honesty": "3", "instruction_following": "0", "truthfulness": "3"}, fine=2.0),
         uf_completion("vicuna-33b", "Drops fall, the sky weeps", 7.0,
                       {"helpfulness": "4", "honesty": "4", "instruction_following": "4", "truthfulness": "4"}, fine=4.0),
         uf_completion("starchat", "", 1.0,
                       {"helpfulness": "1", "honesty": "N/A", "instruction_following": "N/A", "truthfulness": "N/A"}, fine=1.0),
     ],
     "correct_answers": ["None"], "incorrect_answers": ["None"]},
    # Older vintage: list-of-struct annotations, no fine-grained score, a null overall score.
    {"source": "flan_v2_cot", "instruction": "Is 17 prime?",
     "models": ["a", "b"],
     "completions": [
         uf_completion("b", "Yes, 17 is prime.", 9.0,
                       {"helpfulness": "5", "honesty": "5", "instruction_following": "5", "truthfulness": "5"}, listy=True),
         uf_completion("a", "No.", None,
                       {"helpfulness": "1", "honesty": "N/A", "instruction_following": "1", "truthfulness": "1"}, listy=True),
     ]},
    {"source": "sharegpt", "instruction": "One completion only",
     "completions": [uf_completion("x", "alone", 5.0, {"helpfulness": "3"})]},
]
write("ultrafeedback.jsonl", [line(r) for r in uf] + [
    line({"source": "x", "instruction": "", "completions": []}),                         # empty prompt
    line({"source": "x", "instruction": "Q", "completions": "none"}),                    # wrong type
    line({"source": "x", "instruction": "Q", "completions": []}),                        # no completions
    line({"source": "x", "instruction": "Q", "completions": [{"model": "m"}]}),          # missing response
    line({"source": "x", "instruction": "Q", "completions": [
        uf_completion("m", "r", 1.0, {"helpfulness": "1"})]}).replace('"overall_score": 1.0', '"overall_score": NaN'),
])

# --- argilla/Capybara-Preferences and its spelling variants --------------------------
def capy(chosen_last, rejected_last, cr, rr, style="snake", system=None, turns=2):
    conv = [{"content": system, "role": "system"}] if system else []
    for i in range(turns - 1):
        conv += [{"content": f"question {i}", "role": "user"}, {"content": f"answer {i}", "role": "assistant"}]
    conv.append({"content": "final question", "role": "user"})
    row = {"source": "Dove", "chosen": conv + [{"content": chosen_last, "role": "assistant"}],
           "rejected": conv + [{"content": rejected_last, "role": "assistant"}]}
    keys = {"snake": ("chosen_rating", "rejected_rating", "chosen_model", "rejected_model"),
            "hyphen": ("chosen-rating", "rejected-rating", "chosen-model", "rejected-model"),
            "prefix": ("rating_chosen", "rating_rejected", "model_chosen", "model_rejected")}[style]
    row[keys[0]], row[keys[1]] = cr, rr
    row[keys[2]], row[keys[3]] = "teknium/OpenHermes-2.5-Mistral-7B", "argilla/notus-7b-v1"
    return row


write("capybara_preferences.jsonl", [
    line(capy("Great answer", "Weak answer", 5, 2, system="You are helpful.", turns=3)),
    line(capy("Also good", "Also good", 4, 4)),                                   # tie, identical
    line(capy("Hyphen style", "meh", 4.0, 2.0, style="hyphen")),
    line(capy("Prefix style", "meh", 5, 1, style="prefix")),
    line({"source": "Dove", "chosen": [{"content": "q", "role": "user"}, {"content": "a", "role": "assistant"}],
          "rejected": [{"content": "q", "role": "user"}, {"content": "b", "role": "narrator"}],
          "chosen_rating": 5, "rejected_rating": 1}),                              # unknown role
    line({"source": "Dove", "chosen": [{"content": "q", "role": "user"}, {"content": "a", "role": "assistant"}],
          "rejected": [{"content": "q", "role": "user"}, {"content": "b", "role": "assistant"}],
          "chosen_rating": "five", "rejected_rating": 1}),                         # wrong type
])

# --- LDJnr/Capybara, raw UltraChat, ultrachat_200k, ShareGPT -------------------------
write("capybara.jsonl", [
    line({"source": "General-Instruct", "conversation": [
        {"input": "What is 2+2?", "output": "4"}, {"input": "And 3+3?", "output": "6"}]}),
    line({"source": "Know-Logic", "conversation": [{"input": "", "output": "orphan answer"}]}),   # empty prompt
    line({"source": "x", "conversation": {"input": "not a list"}}),                              # wrong type
])
write("ultrachat.jsonl", [
    line({"id": "0", "data": ["Hi there", "Hello! How can I help?", "Tell me a joke", "Why did the chicken cross the road?"]}),
    line({"id": 1, "data": ["Odd length", "answer", "trailing question with no answer"]}),
    line({"id": "2", "data": ["only a question"]}),                                               # no assistant turn
    line({"id": "3", "data": ["fine", 42]}),                                                      # wrong type
])
uc_prompt = "These instructions apply to section-based themes."
write("ultrachat_200k.jsonl", [
    line({"prompt": uc_prompt, "prompt_id": sha(uc_prompt), "messages": [
        {"content": uc_prompt, "role": "user"}, {"content": "Understood.", "role": "assistant"},
        {"content": "Thanks", "role": "user"}, {"content": "You're welcome.", "role": "assistant"}]}),
    line({"prompt": "gen split", "prompt_id": sha("gen split"), "messages": [{"content": "gen split", "role": "user"}]}),
])
write("sharegpt.jsonl", [
    line({"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Capital of France?"},
                            {"from": "gpt", "value": "Paris."}]}),
    line({"conversations": [{"from": "human", "value": "Pick one"}],
          "chosen": {"from": "gpt", "value": "This one."}, "rejected": {"from": "gpt", "value": "No."}}),
    line({"conversations": [{"from": "alien", "value": "??"}, {"from": "gpt", "value": "!"}]}),    # unknown role
])

# --- containers: a JSON array, gzip (two concatenated members) and zstd ---------------
array_rows = [binarized(f"Array question {i}", f"good {i}", f"bad {i}", 8.0, 2.0) for i in range(3)]
with open(os.path.join(OUT, "array_binarized.json"), "w", encoding="utf-8") as f:
    f.write("[\n" + ",\n".join(json.dumps(r, indent=2, ensure_ascii=False) for r in array_rows) + "\n]\n")
with open(os.path.join(OUT, "ultrafeedback_binarized.jsonl"), "rb") as f:
    data = f.read()
half = data.index(b"\n", len(data) // 2) + 1
with open(os.path.join(OUT, "binarized_two_members.jsonl.gz"), "wb") as f:
    f.write(gzip.compress(data[:half], mtime=0) + gzip.compress(data[half:], mtime=0))
zst = os.path.join(OUT, "binarized.jsonl.zst")
subprocess.run(["zstd", "-q", "-f", "-19", os.path.join(OUT, "ultrafeedback_binarized.jsonl"), "-o", zst], check=True)
print("wrote", sorted(os.listdir(OUT)))
