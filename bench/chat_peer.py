"""The peer of bench/chat: transformers' apply_chat_template(tokenize=True) over every
conversation of a JSON Lines file, one thread; writes the ids as JSON lines and prints, as one
JSON object, the seconds of each phase, timed as `pref tokenizer chat --timing` times its own:

  load_seconds               the tokenizer and its template (from_pretrained) and the
                             conversations read and parsed (importing transformers is process
                             start, counted only in the bench's whole-process figure)
  render_encode_seconds      the loop: each conversation rendered with the template and
                             encoded to ids (add_generation_prompt=False), all conversations
  render_encode_cpu_seconds  the loop's CPU time on this thread (steadier on a busy machine)
  write_seconds              the ids written as JSON lines

strftime_now sees DATE (bench/chat passes pref the same date), fixed by replacing the `datetime`
the template module reads at render time, as scripts/chat-template-goldens.py does."""
import datetime as _datetime
import json
import sys
import time

from transformers import AutoTokenizer
from transformers.utils import chat_template_utils

model, conversations, out, date = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
DATE = _datetime.date.fromisoformat(date)


class FixedDatetime(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(DATE.year, DATE.month, DATE.day)


chat_template_utils.datetime = FixedDatetime

start = time.perf_counter()
tok = AutoTokenizer.from_pretrained(model)
chats = [json.loads(line) for line in open(conversations, encoding="utf-8") if line.strip()]
loaded = time.perf_counter()

cpu_start = time.thread_time()
ids = []
for messages in chats:
    result = tok.apply_chat_template(messages, tokenize=True, add_generation_prompt=False)
    ids.append(list(result["input_ids"] if hasattr(result, "keys") else result))
cpu = time.thread_time() - cpu_start
encoded = time.perf_counter()

with open(out, "w") as f:
    for row in ids:
        f.write(json.dumps({"ids": row}) + "\n")
written = time.perf_counter()
print(json.dumps({"load_seconds": round(loaded - start, 6), "render_encode_seconds": round(encoded - loaded, 6),
                  "render_encode_cpu_seconds": round(cpu, 6), "write_seconds": round(written - encoded, 6)}))
