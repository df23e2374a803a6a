"""The peer of bench/chat: transformers' apply_chat_template(tokenize=True) over every
conversation of a JSON Lines file, one thread; writes the ids as JSON lines and prints the
seconds of the loop alone (loading transformers is not counted against it)."""
import json
import sys
import time

from transformers import AutoTokenizer

model, conversations, out = sys.argv[1], sys.argv[2], sys.argv[3]
tok = AutoTokenizer.from_pretrained(model)
chats = [json.loads(line) for line in open(conversations, encoding="utf-8")]
start = time.perf_counter()
ids = []
for messages in chats:
    result = tok.apply_chat_template(messages, tokenize=True)
    ids.append(list(result["input_ids"] if hasattr(result, "keys") else result))
seconds = time.perf_counter() - start
with open(out, "w") as f:
    for row in ids:
        f.write(json.dumps({"ids": row}) + "\n")
print(f"{seconds:.4f}")
