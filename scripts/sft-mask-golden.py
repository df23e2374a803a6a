#!/usr/bin/env python3
"""SFT loss masks from transformers, for Tests/TokenizerTests/SFTMaskGoldenTests.swift.

Install: python -m pip install transformers tokenizers     (tested: transformers 5.24.0, tokenizers 0.23.3)
Run from the package root:
    python scripts/sft-mask-golden.py          # writes fixtures/tokenizer/sft-masks.golden.jsonl

transformers' `apply_chat_template(..., return_assistant_tokens_mask=True, return_dict=True)`
marks the tokens a chat template emits inside `{% generation %}` blocks. Its rule: for each
generated character span, every token from the one holding the span's first character to
the one holding its last is marked, so a token straddling the block's start (a BPE merge
across the assistant header) is marked.

Two ChatML templates, identical in the text they render (pref's chatml family):
  eot_outside  the usual form: `{% generation %}content<|im_end|>{% endgeneration %}\n`
  eot_inside   the newline after <|im_end|> inside the block as well
pref's packer trains on each assistant turn's content and its whole end-of-turn marker
`<|im_end|>\n` (ResponseConvention.trl), so its mask should equal `eot_inside` and differ from
`eot_outside` by exactly the newline token after each assistant <|im_end|>.

Tokenizer: fixtures/tokenizer/qwen2.tokenizer.json (byte-level BPE with <|im_start|>/<|im_end|>).
"""
import json
import os

from transformers import PreTrainedTokenizerFast

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "fixtures", "tokenizer")

_HEAD = "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' }}{%- if message['role'] == 'assistant' %}"
_TAIL = "{%- else %}{{- message['content'] + '<|im_end|>' + '\\n' }}{%- endif %}{%- endfor %}"
TEMPLATES = {
    "eot_outside": _HEAD + "{% generation %}{{- message['content'] + '<|im_end|>' }}{% endgeneration %}{{- '\\n' }}" + _TAIL,
    "eot_inside": _HEAD + "{% generation %}{{- message['content'] + '<|im_end|>' + '\\n' }}{% endgeneration %}" + _TAIL,
}

CONVERSATIONS = {
    "one_turn": [
        {"role": "user", "content": "What is 12 + 30?"},
        {"role": "assistant", "content": "12 + 30 = 42."},
    ],
    "system_and_three_turns": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Name a colour."},
        {"role": "assistant", "content": "Blue."},
        {"role": "user", "content": "Another one, please."},
        {"role": "assistant", "content": "Green, the colour of grass."},
    ],
    # Whitespace at the edges of answers. (The fixture vocabulary has no "\n\n" token, so the
    # header's newline and the answer's stay two tokens: no token straddles a block here.)
    "answer_starts_with_newline": [
        {"role": "user", "content": "List two things."},
        {"role": "assistant", "content": "\n- a kettle\n- a teapot"},
        {"role": "user", "content": "Thanks"},
        {"role": "assistant", "content": "  You are welcome.  "},
    ],
    "unicode_and_empty_answer": [
        {"role": "user", "content": "Übersetze: naïve café 😀"},
        {"role": "assistant", "content": "naïve café 😀 — déjà vu"},
        {"role": "user", "content": "Say nothing."},
        {"role": "assistant", "content": ""},
    ],
}


def main():
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(FIX, "qwen2.tokenizer.json"))
    out = []
    for name, messages in CONVERSATIONS.items():
        record = {"name": name, "messages": messages, "masks": {}}
        for key, template in TEMPLATES.items():
            enc = tok.apply_chat_template(messages, chat_template=template, tokenize=True, return_dict=True,
                                          return_assistant_tokens_mask=True)
            ids, mask = list(enc["input_ids"]), list(enc["assistant_masks"])
            text = tok.apply_chat_template(messages, chat_template=template, tokenize=False)
            assert len(ids) == len(mask)
            assert record.setdefault("text", text) == text, "the two templates must render the same text"
            assert record.setdefault("ids", ids) == ids
            assert ids == tok.encode(text, add_special_tokens=False)
            record["masks"][key] = mask
        out.append(record)
    path = os.path.join(FIX, "sft-masks.golden.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for record in out:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {path}: {len(out)} conversations")


if __name__ == "__main__":
    main()
