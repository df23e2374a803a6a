#!/usr/bin/env python3
"""Golden files for `Sources/Tokenizer`, produced by the peer: Hugging Face `tokenizers`.

Install what it needs (any machine with Python 3.10+):
    python -m pip install "tokenizers==0.23.3" "transformers>=4.45" jinja2

Run from the package root:
    python scripts/tokenizer-golden.py                 # rewrite everything under fixtures/tokenizer/
    python scripts/tokenizer-golden.py --tables        # also regenerate Sources/Tokenizer/PreTokenizers/UnicodeTables.swift (minutes)
    python scripts/tokenizer-golden.py --corpus 20 OUT # write a >= 20 MB generated corpus to OUT (bench/tokenizer)

What it writes (all small; `swift test` reads them and needs no Python):
  fixtures/tokenizer/sample.txt                 training text, generated below (no third-party text)
  fixtures/tokenizer/<name>.tokenizer.json      tokenizers trained or assembled with HF `tokenizers`
  fixtures/tokenizer/<name>.golden.jsonl        HF ids and decodes for an edge-case corpus and unseen lines
  fixtures/tokenizer/pretokenizer-splits.jsonl HF pre-tokenizer splits of fuzz strings, per known regex
  fixtures/tokenizer/*.tokenizer_config.json    chat templates as model repos ship them
  fixtures/tokenizer/chat.golden.jsonl          renderings by transformers' apply_chat_template
  fixtures/tokenizer/real-text.golden.jsonl     hashes of HF ids for real texts in ../shared/data (when present)
The Unicode tables are the character classes exactly as HF's regex engine (Oniguruma) and its
Rust code see them, so pref's pre-tokenizer agrees with HF even where Swift's Unicode data is newer.
"""

import argparse
import json
import os
import random
import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
from tokenizers.models import BPE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "fixtures", "tokenizer")

GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# GPT-4o's pattern: not one pref scans by hand, so it exercises the general regex path.
O200K_PATTERN = "|".join([
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"\p{N}{1,3}", r" ?[^\s\p{L}\p{N}]+[\r\n/]*", r"\s*[\r\n]+", r"\s+(?!\S)", r"\s+",
])

SUBJECTS = [
    "the model", "our tokenizer", "a small team", "the reviewer", "this dataset", "the baker",
    "my neighbour", "the river", "an old lighthouse", "the committee", "every student", "the robot",
    "a curious fox", "the night train", "your assistant", "the orchestra", "a quiet village",
    "the compiler", "our garden", "the museum guide", "a stray cat", "the weather station",
]
VERBS = [
    "prefers", "writes", "measures", "counts", "builds", "explains", "ignores", "repairs",
    "collects", "compares", "translates", "paints", "predicts", "forgets", "remembers", "sorts",
    "shares", "checks", "describes", "follows", "questions", "answers", "tokenizes", "packs",
]
OBJECTS = [
    "long sentences", "the morning light", "every token", "three red apples", "old maps",
    "the final answer", "broken clocks", "warm bread", "quiet rooms", "noisy logs", "fresh data",
    "the boundary", "twelve small boxes", "a better plan", "the shortest path", "its own mistakes",
    "the chosen response", "the rejected response", "a gentle reminder", "the last train home",
]
ADVERBS = [
    "slowly", "carefully", "twice", "without a doubt", "every morning", "at night", "quickly",
    "again and again", "with great care", "for no reason", "before lunch", "on purpose", "rarely",
]
CONNECTORS = ["and", "but", "because", "so", "although", "while", "until", "since", "yet", "or"]
CONTRACTIONS = [
    "don't", "can't", "won't", "it's", "I'm", "you're", "we've", "they'll", "she'd", "let's",
    "DON'T", "IT'S", "I'M", "YOU'RE", "WE'VE", "THEY'LL", "SHE'D", "Don't", "It's", "We'Ve",
    "isn't", "aren't", "wouldn't", "shouldn't", "y'all", "o'clock", "rock'n'roll", "it’s", "don’t",
]
NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Edsger", "Barbara", "Ken", "Dennis", "Frances",
         "Émile", "Zoë", "Björn", "Łukasz", "Søren", "Ümit", "José", "François", "Ngozi", "Aroha"]
FOREIGN = [
    "Le petit déjeuner est prêt à sept heures.",
    "Où est la gare, s'il vous plaît ?",
    "Die Straße ist heute sehr ruhig, aber der Bäcker hat geöffnet.",
    "Übermorgen fahren wir nach München.",
    "El niño come una manzana y bebe agua fría.",
    "¿Dónde está la biblioteca? ¡Qué sorpresa!",
    "O céu está azul e as crianças brincam na praça.",
    "Η θάλασσα είναι ήρεμη σήμερα.",
    "Сегодня хорошая погода, и мы идём в парк.",
    "Мой друг читает книгу о звёздах.",
    "الطقس جميل اليوم ونحن نذهب إلى الحديقة.",
    "הילדים משחקים בחצר אחרי בית הספר.",
    "आज मौसम बहुत अच्छा है और हम बाज़ार जा रहे हैं।",
    "วันนี้อากาศดีมาก เราจะไปตลาดกัน",
    "今天天气很好，我们去公园散步。",
    "这个模型可以处理中文、英文和数字123。",
    "東京の駅はとても大きいです。",
    "私はコーヒーを飲みながら本を読みます。",
    "오늘은 날씨가 좋아서 산책을 했어요.",
    "Tôi thích uống cà phê sữa đá vào buổi sáng.",
    "Bugün hava çok güzel, denize gidiyoruz.",
    "Dziś jest piękny dzień, idziemy na spacer.",
]
EMOJI = ["😀", "🚀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🎉", "🤖", "✨", "🐍", "🦀", "🧪", "👩🏻‍💻", "🌍", "☕"]
SYMBOLS = ["→", "≤", "≥", "±", "×", "÷", "∑", "√", "∞", "°C", "€", "£", "¥", "§", "©", "™", "…", "—", "–", "•"]
CODE = [
    "func encode(_ text: String) -> [UInt32] {\n    return tokenizer.encode(text)\n}",
    "def train(texts, vocab_size=32000):\n    for text in texts:\n        yield text.split()",
    "for (i, x) in values.enumerated() where x > 0 {\n\tsum += x * i\n}",
    "if err != nil {\n\treturn fmt.Errorf(\"read %s: %w\", path, err)\n}",
    "SELECT id, score FROM pairs WHERE split = 'train' ORDER BY score DESC LIMIT 10;",
    "let json = {\"role\": \"user\", \"content\": \"Hi!\"}",
    "x = [1, 2, 3]; y = {k: v ** 2 for k, v in zip(\"abc\", x)}",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }",
    "git commit -m \"fix: handle \\r\\n line endings\" && git push origin main",
    "curl -s https://example.com/api/v1/items?page=2&limit=50 | jq '.items[] | .name'",
]


def sentence(rng: random.Random) -> str:
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.5:
        parts.append(rng.choice(ADVERBS))
    if rng.random() < 0.35:
        parts += [rng.choice(CONNECTORS), rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(CONTRACTIONS))
    if rng.random() < 0.15:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(NAMES))
    text = " ".join(parts)
    text = text[0].upper() + text[1:]
    return text + rng.choice([".", ".", ".", "!", "?", "...", ";", ":"])


def number(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        return str(rng.randrange(10 ** rng.randrange(1, 12)))
    if kind == 1:
        return f"{rng.uniform(0, 1000):.{rng.randrange(1, 5)}f}"
    if kind == 2:
        return f"{rng.randrange(1990, 2031)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if kind == 3:
        return f"${rng.randrange(1, 100000):,}.{rng.randrange(100):02d}"
    if kind == 4:
        return f"{rng.randrange(100)}%"
    if kind == 5:
        return f"v{rng.randrange(10)}.{rng.randrange(30)}.{rng.randrange(100)}"
    if kind == 6:
        return f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
    if kind == 7:
        return f"+1 ({rng.randrange(200, 999)}) {rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
    return f"{rng.randrange(1, 10)}e-{rng.randrange(1, 9)}"


def line(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return " ".join(sentence(rng) for _ in range(rng.randrange(1, 4)))
    if kind < 0.58:
        s = sentence(rng)
        words = s.split(" ")
        pos = rng.randrange(len(words) + 1)
        words.insert(pos, number(rng))
        return " ".join(words)
    if kind < 0.68:
        return rng.choice(FOREIGN)
    if kind < 0.74:
        return rng.choice(CODE)
    if kind < 0.80:
        return sentence(rng) + " " + "".join(rng.choice(EMOJI) for _ in range(rng.randrange(1, 4)))
    if kind < 0.84:
        return " ".join(rng.choice(SYMBOLS) + number(rng) for _ in range(rng.randrange(1, 4)))
    if kind < 0.88:  # whitespace runs and tabs
        return rng.choice(["  ", "\t", "    ", " \t "]).join(sentence(rng).split(" "))
    if kind < 0.91:  # combining marks (decomposed letters)
        return "e\u0301le\u0300ve cafe\u0301 nai\u0308ve Zoe\u0308 n\u0303 " + sentence(rng)
    if kind < 0.94:
        return "- " + sentence(rng)
    if kind < 0.97:
        return f"{rng.choice(NAMES)}: \"{sentence(rng)}\" ({number(rng)})"
    return sentence(rng).upper()


def generate(seed: int, target_bytes: int) -> str:
    rng = random.Random(seed)
    out = []
    size = 0
    while size < target_bytes:
        paragraph = [line(rng) for _ in range(rng.randrange(1, 6))]
        eol = "\r\n" if rng.random() < 0.08 else "\n"
        text = eol.join(paragraph) + eol
        if rng.random() < 0.5:
            text += eol
        out.append(text)
        size += len(text.encode("utf-8"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Edge-case corpus: every line is a case some tokenizer got wrong somewhere.

EDGE_CASES = [
    "", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\n ", " \n ", "a",
    "Hello world", "Hello  world", "Hello   world  ", "  leading spaces", "trailing spaces   ",
    "\n\n\nthree newlines first", "ends with newlines\n\n", "tab\tinside", "\t\tindented twice",
    "a \t b", " \t \n x", "x  \n  y", "x \n\n y", "line one\r\nline two\r\n", "\r\r\n\n", "a\r\rb",
    "mixed\n\t\n  \n", "word\u00a0nbsp", "ideographic\u3000space", "line\u2028separator", "next\u0085line",
    "vt\x0bff\x0c", "zero\u200bwidth", "joiner\u200dx", "\ufeffbom", "nul\x00byte", "\x01\x02\x03",
    "1", "12", "123", "1234", "1234567", "12345678901234567890123456789012345678901234567890",
    "3.14159", "1,000,000", "2024-01-15", "v1.2.3", "x² + y³", "½ cup", "٣٤٥ and ١٢", "১২৩", "Ⅻ Ⅳ",
    "①②③", "a1b2c3", "A1", " 42", "  42", "-42", "$1,234.56", "100%", "1e-9", "0x1F", "9am-5pm",
    "don't", "DON'T", "Don'T", "I'm", "I'M", "you're", "YOU'RE", "we've", "WE'VE", "they'll",
    "THEY'LL", "he'd", "HE'D", "'s", "'S", "'t", "'re", "'RE", "'ve", "'ll", "'LL", "'d", "'m",
    "'ſ", "'ſx", "it’s", "don’t", "''", "'''s", "rock'n'roll", "'sup", "'ll've", "y'all", "O'Neil's",
    " 's", "a's", "1's", "'s's", "x 'tis", "'", " '", "''''",
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷🇩🇪", "❤️", "a😀b", "😀😀😀", " 😀", "😀 ", "\t🚀",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠜎𠜱𠝹", "𓀀𓀁", "🜁🜂", "\U0010fffd", "\U000e0001",
    "你好世界", "日本語のテキスト", "한국어 문장입니다", "中文，标点。", "GPT-4是一个模型", "ｆｕｌｌｗｉｄｔｈ",
    "e\u0301", "é", "n\u0303o", "a\u0308\u0304", "\u0301alone", "ǅungla", "ﬁnance", "\u212bngstrom",
    "\u2126hm", "\u1100\u1161\u11a8", "Å", "caf\u00e9 vs cafe\u0301", "नमस्ते दुनिया", "สวัสดีครับ",
    "مرحبا بالعالم", "שָׁלוֹם", "Ελληνικά", "Привет, мир!", "ẞtraße", "İstanbul ıi",
    "\ufffd", "\ue000private", "\uffff", "\U0010ffff", "Ġ", "Ċ", "ĉč", "ĠĠĠ", "Ā ā", "ÿ",
    "\\xff\\xfe", "\\u0000", "%F0%9F%98%80", "&amp;&lt;", "<html><body>hi</body></html>",
    "<|endoftext|>", "Hello<|endoftext|>world", "<|endoftext|><|endoftext|>", "<|endof", "<|endoftext|",
    " <|endoftext|> ", "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>",
    "<|begin_of_text|>", "<|eot_id|><|end_of_text|>", "text<|eot_id|>text",
    "<s>", "</s>", "<s>inside</s>", " <mask> ", "x<mask>y", "   <mask>   z", "[SEP]   z", "a [SEP]\n\nb",
    "a <word> b", "a<word>b", "<word>", "_<word>_", "é<word>", "hello world", "Hello World",
    "HELLO WORLD again", "say hello world twice: hello world", "naïve", "nai\u0308ve", "NAÏVE",
    " spaced ", "x spaced y",
    "a" * 300, "supercalifragilisticexpialidocious", "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "这个模型可以处理中文和数字你好世界" * 3, "😀🚀👍🏽" * 6, "-=" * 50, "ab" * 70, " the" * 40,
    "abcabcabd" * 12 + "xyz", "\u00e9" * 80, "9" * 130, "https://example.com/path?query=1&x=2#frag",
    "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHN0cmluZw==", "!!!!????....", "----====____",
    "func f(x: Int) -> Int { return x * 2 }", "    def foo():\n        return 1\n",
    "{\"key\": [1, 2, {\"nested\": null}]}", "a-b--c---d", "snake_case_name", "camelCaseName",
    "ALLCAPS and MiXeD", "email@example.com", "C++ and C#", "#hashtag @mention", "...", "—–-",
]


def sample_lines(seed, count):
    rng = random.Random(seed)
    return [line(rng) for _ in range(count)]


def documents(seed, count, size):
    return [generate(seed + i, size) for i in range(count)]


# ---------------------------------------------------------------------------------------------
# Tokenizers: trained with HF's trainer on sample.txt, or assembled from a trained model.

def byte_level_trainer(vocab_size, special_tokens=(), min_frequency=0):
    return trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, show_progress=False,
                               special_tokens=list(special_tokens),
                               initial_alphabet=pre_tokenizers.ByteLevel.alphabet())


def split_then_bytes(pattern):
    return pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])


def build_gpt2(sample):
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True)
    tok.train([sample], byte_level_trainer(1200, ["<|endoftext|>"]))
    return tok


LLAMA3_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
                   "<|reserved_special_token_1|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]


def build_llama3(sample):
    tok = Tokenizer(BPE(ignore_merges=True))
    tok.pre_tokenizer = split_then_bytes(LLAMA3_PATTERN)
    tok.decoder = decoders.ByteLevel()
    tok.train([sample], byte_level_trainer(1500))
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in LLAMA3_SPECIALS])
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
        processors.TemplateProcessing(single="<|begin_of_text|> $A",
                                      pair="<|begin_of_text|> $A:0 <|begin_of_text|>:1 $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    return tok


def build_qwen2(sample):
    tok = Tokenizer(BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = split_then_bytes(QWEN2_PATTERN)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.train([sample], byte_level_trainer(1300))
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]])
    return tok


def build_minfreq(sample):
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.train([sample], byte_level_trainer(100000, ["<pad>", "<eos>"], min_frequency=60))
    return tok


def build_options(gpt2):
    """Every option pref must honour, on top of the GPT-2 model: prefix space, Digits, a
    normalizer Sequence, added tokens with lstrip/rstrip/single_word/normalized, a BOS/EOS
    template, and the legacy "a b" merges form."""
    tok = Tokenizer.from_str(gpt2.to_str())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
    ])
    tok.add_special_tokens([AddedToken("<s>", special=True, normalized=False),
                            AddedToken("</s>", special=True, normalized=False),
                            AddedToken("<mask>", special=True, lstrip=True, normalized=False),
                            AddedToken("[SEP]", special=True, rstrip=True, normalized=False)])
    tok.add_tokens([AddedToken("<word>", single_word=True, normalized=False),
                    AddedToken("hello world", normalized=True),
                    AddedToken("naïve", normalized=True),
                    AddedToken("ĉč", normalized=False),
                    AddedToken(" spaced ", normalized=False)])
    s, e = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                                       special_tokens=[("<s>", s), ("</s>", e)])
    data = json.loads(tok.to_str())
    data["model"]["merges"] = [" ".join(pair) for pair in data["model"]["merges"]]
    legacy = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Tokenizer.from_str(legacy), legacy


def build_splits(gpt2):
    """Split behaviours, inverted and literal-string patterns, and a custom regex (general path)."""
    tok = Tokenizer.from_str(gpt2.to_str())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split("-", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"[0-9]+"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
        pre_tokenizers.Split(Regex(r"[\p{L}]+"), behavior="contiguous", invert=True),
        pre_tokenizers.Split(Regex(r"(?i:ab|cd)x?"), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    return tok


def build_truncpad(base, left):
    """Truncation and padding, which HF's encode applies when the file sets them."""
    tok = Tokenizer.from_str(base.to_str())
    if left:
        tok.enable_truncation(max_length=12, direction="left")
        tok.enable_padding(direction="left", pad_id=tok.token_to_id("</s>"), pad_token="</s>", length=16)
    else:
        tok.enable_truncation(max_length=10, direction="right")
        tok.enable_padding(direction="right", pad_id=0, pad_token="<|begin_of_text|>", pad_to_multiple_of=8)
    return tok


def build_o200k(llama3):
    tok = Tokenizer.from_str(llama3.to_str())
    tok.pre_tokenizer = split_then_bytes(O200K_PATTERN)
    return tok


# ---------------------------------------------------------------------------------------------
# Golden records

def golden_records(tok, texts, rng):
    out = []
    for text in texts:
        ids = tok.encode(text, add_special_tokens=True).ids
        plain = tok.encode(text, add_special_tokens=False).ids
        out.append({"text": text, "ids": ids, "ids_plain": plain,
                    "decoded": tok.decode(ids, skip_special_tokens=False),
                    "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    vocab_size = tok.get_vocab_size(with_added_tokens=True)
    for _ in range(60):  # arbitrary id runs: partial UTF-8, specials in the middle
        ids = [rng.randrange(vocab_size) for _ in range(rng.randrange(1, 12))]
        out.append({"decode_ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                    "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    return out


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


FUZZ_POOL = [" ", "  ", "\t", "\n", "\r", "\r\n", "a", "Z", "é", "ß", "ſ", "K", "'", "’", "s", "S", "t", "T",
             "r", "R", "e", "E", "v", "l", "L", "m", "M", "d", "D", "1", "9", "٣", "½", "Ⅻ", ".", ",", "!",
             "-", "/", "😀", "中", "の", "\u0301", "\u0903", "\u00a0", "\u3000", "\u2028", "\u0085", "\x0b",
             "\x0c", "\u200b", "_", "$", "<", "|", "\U0001d518", "\U00020000", "\ufffd", "\x00"]


def fuzz_splits(seed, count):
    rng = random.Random(seed)
    texts = ["".join(rng.choice(FUZZ_POOL) for _ in range(rng.randrange(0, 24))) for _ in range(count)]
    out = []
    for name, pattern in [("gpt2", GPT2_PATTERN), ("llama3", LLAMA3_PATTERN), ("qwen2", QWEN2_PATTERN),
                          ("o200k", O200K_PATTERN)]:
        split = pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
        for text in texts + EDGE_CASES:
            pieces = [p for p, _ in split.pre_tokenize_str(text)]
            assert "".join(pieces) == text
            out.append({"pattern": name, "text": text, "pieces": pieces})
    return out


def fnv1a64(ids):
    h = 0xCBF29CE484222325
    for i in ids:
        for b in i.to_bytes(4, "little"):
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


SHARED_SAMPLE = os.path.join(ROOT, "..", "shared", "data", "ultrafeedback_binarized", "train_prefs.jsonl")


def real_text_goldens(tokenizers_by_name, records=200):
    """Id counts and FNV-1a hashes of HF ids for real UltraFeedback texts (the repo does not copy
    the texts; the Swift test reads them from ../shared/data and skips when it is absent)."""
    out = []
    with open(SHARED_SAMPLE, encoding="utf-8") as f:
        for line_number, line in enumerate(f, start=1):
            if line_number > records:
                break
            r = json.loads(line)
            for field, text in [("prompt", r["prompt"]), ("chosen", r["chosen"][-1]["content"]),
                                ("rejected", r["rejected"][-1]["content"])]:
                entry = {"line": line_number, "field": field}
                for name, tok in tokenizers_by_name.items():
                    ids = tok.encode(text, add_special_tokens=True).ids
                    entry[name] = [len(ids), f"{fnv1a64(ids):016x}"]
                out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------
# Chat templates, as shipped in model repos' tokenizer_config.json

LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + "
    "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")
QWEN2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
ZEPHYR_TEMPLATE = (
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\\n' + message['content'] + "
    "eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n"
    "{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}")
MISTRAL_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] + eos_token}}{% endif %}{% endfor %}")

CHAT_CONFIGS = {
    "llama3": {"chat_template": LLAMA3_TEMPLATE, "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "qwen2": {"chat_template": QWEN2_TEMPLATE, "bos_token": None, "eos_token": "<|im_end|>"},
    "chatml": {"chat_template": CHATML_TEMPLATE, "bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
    "zephyr": {"chat_template": ZEPHYR_TEMPLATE, "bos_token": "<s>",
               "eos_token": {"content": "</s>", "lstrip": False, "normalized": False, "rstrip": False,
                             "single_word": False, "__type": "AddedToken"}},
    "mistral": {"chat_template": MISTRAL_TEMPLATE, "bos_token": "<s>", "eos_token": "</s>"},
}

CONVERSATIONS = [
    ([{"role": "user", "content": "What is 2+2?"}], ["4", "It is 5."]),
    ([{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Name a colour."}],
     ["Blue.", "I'd rather not."]),
    ([{"role": "user", "content": "  Leading and trailing spaces  \n"}], ["  padded answer \n\n", ""]),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"},
      {"role": "user", "content": "Translate 'chat' to French."}], ["Chat.", "Le chat 🐱"]),
    ([{"role": "user", "content": "Écris un haïku sur la mer.\r\nMerci !"}],
     ["Vagues sous la lune,\nle sel garde la mémoire —\nsilence du port.", "Non."]),
    ([{"role": "user", "content": "Show code."}], ["```python\nprint('hi')\n```", "\tindented\n"]),
]


def chat_goldens(llama3, qwen2, gpt2):
    from transformers import PreTrainedTokenizerFast
    tokenizers_by_family = {"llama3": llama3, "qwen2": qwen2, "chatml": qwen2, "zephyr": gpt2}
    out = []
    for name, tokenizer_json in tokenizers_by_family.items():
        cfg = CHAT_CONFIGS[name]
        eos = cfg["eos_token"]["content"] if isinstance(cfg["eos_token"], dict) else cfg["eos_token"]
        hf = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(tokenizer_json.to_str()),
                                     bos_token=cfg["bos_token"], eos_token=eos)
        hf.chat_template = cfg["chat_template"]
        render = lambda msgs, gen: hf.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)
        for prompt, responses in CONVERSATIONS:
            # TRL >= 0.12 / HEAD: prompt with the generation prompt; response = the rest of the full text.
            trl_prompt = render(prompt, True)
            trl_responses = []
            for r in responses:
                full = render(prompt + [{"role": "assistant", "content": r}], False)
                assert full.startswith(trl_prompt), (name, full, trl_prompt)
                trl_responses.append(full[len(trl_prompt):])
            # alignment-handbook (DPO-Shift's pipeline): prompt without it; response rendered alone.
            ah_prompt = render(prompt, False)
            ah_responses = [render([{"role": "assistant", "content": r}], False) for r in responses]
            out.append({
                "family": name, "messages": prompt, "responses": responses,
                "render": ah_prompt, "render_generation": trl_prompt,
                "trl": {"prompt": trl_prompt, "responses": trl_responses,
                        "ids": [tokenizer_json.encode(trl_prompt + r, add_special_tokens=False).ids
                                for r in trl_responses]},
                "alignment_handbook": {"prompt": ah_prompt, "responses": ah_responses,
                                       "ids": [tokenizer_json.encode(ah_prompt + r, add_special_tokens=False).ids
                                               for r in ah_responses]},
            })
    return out


# ---------------------------------------------------------------------------------------------
# Unicode tables as HF sees them

def code_points_matching(pattern):
    cps = [c for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF)]
    text = "".join(chr(c) for c in cps)
    rest = set()
    for piece, _ in pre_tokenizers.Split(Regex(pattern), behavior="removed").pre_tokenize_str(text):
        rest.update(ord(ch) for ch in piece)
    return set(cps) - rest


def rust_is_numeric():
    """`char::is_numeric` as HF's Digits pre-tokenizer uses it (probed through Digits itself)."""
    cps = [c for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF) and c != ord("a")]
    text = "a".join(chr(c) for c in cps)
    numeric = set()
    for piece, _ in pre_tokenizers.Digits(individual_digits=True).pre_tokenize_str(text):
        if len(piece) == 1 and piece != "a":
            numeric.add(ord(piece))
    return numeric


def rust_word_chars():
    """Rust regex `\\w` as HF's single_word check uses it: a single_word token next to a word char
    does not match."""
    tok = Tokenizer(BPE(vocab={"a": 0}, merges=[]))
    tok.add_tokens([AddedToken("@", single_word=True, normalized=False)])
    at = tok.token_to_id("@")
    cps = [c for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF) and c != ord("@")]
    words = set()
    batch = 100000
    for i in range(0, len(cps), batch):
        chunk = cps[i:i + batch]
        for c, enc in zip(chunk, tok.encode_batch([chr(c) + "@" for c in chunk], add_special_tokens=False)):
            if at not in enc.ids:
                words.add(c)
    return words


def ranges(points):
    out = []
    for c in sorted(points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


# Oniguruma's general categories; every assigned code point is in exactly one (Cn: the rest).
GENERAL_CATEGORIES = "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp Cc Cf Cs Co".split()


def general_category_lines():
    """`\p{Lu}`, `\p{Ll}`, ... as Oniguruma sees them, for the compiled pre-tokenizer regexes:
    [first, last, category index] triples; code points in none are Cn (index len(names))."""
    runs, seen = [], set()
    for index, name in enumerate(GENERAL_CATEGORIES):
        points = code_points_matching(r"\p{%s}" % name)
        assert not (points & seen), name
        seen |= points
        runs += [(lo, hi, index) for lo, hi in ranges(points)]
    runs.sort()
    names = ", ".join(f'"{n}"' for n in GENERAL_CATEGORIES + ["Cn"])
    lines = ["    /// Oniguruma's general categories, by index into `categoryNames`; Cn is last.",
             f"    static let categoryNames = [{names}]",
             f"    /// [first, last, category] triples, {len(runs)} runs; code points in none are Cn.",
             "    static let generalCategory: [UInt32] = ["]
    row = []
    for lo, hi, index in runs:
        row.append(f"0x{lo:X}, 0x{hi:X}, {index}")
        if len(row) == 4:
            lines.append("        " + ", ".join(row) + ",")
            row = []
    if row:
        lines.append("        " + ", ".join(row) + ",")
    lines.append("    ]")
    return lines


def write_tables():
    tables = [
        ("letter", "`\\p{L}` in Oniguruma (HF's regex engine)", code_points_matching(r"\p{L}")),
        ("number", "`\\p{N}` in Oniguruma", code_points_matching(r"\p{N}")),
        ("whitespace", "`\\s` in Oniguruma (Unicode White_Space)", code_points_matching(r"\s")),
        ("numeric", "Rust `char::is_numeric` (HF's Digits pre-tokenizer)", rust_is_numeric()),
        ("word", "Rust regex `\\w` (HF's single_word check)", rust_word_chars()),
    ]
    lines = ["// Generated by scripts/tokenizer-golden.py --tables from HF tokenizers "
             f"(tokenizers {__import__('tokenizers').__version__}). Do not edit.",
             "// Character classes exactly as HF's engines see them: inclusive ranges as flat",
             "// [first, last, first, last, ...] pairs (plain integer literals keep the type checker fast).", "",
             "enum UnicodeTables {"]
    for name, doc, points in tables:
        rs = ranges(points)
        lines.append(f"    /// {doc}: {len(points)} code points.")
        lines.append(f"    static let {name}: [UInt32] = [")
        row = []
        for lo, hi in rs:
            row.append(f"0x{lo:X}, 0x{hi:X}")
            if len(row) == 5:
                lines.append("        " + ", ".join(row) + ",")
                row = []
        if row:
            lines.append("        " + ", ".join(row) + ",")
        lines.append("    ]")
    lines.append("}")
    lines.pop()  # the closing brace: the general categories follow
    lines += general_category_lines()
    lines.append("}")
    path = os.path.join(ROOT, "Sources", "Tokenizer", "PreTokenizers", "UnicodeTables.swift")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", path)


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", action="store_true")
    ap.add_argument("--corpus", nargs=2, metavar=("MB", "OUT"))
    args = ap.parse_args()
    if args.corpus:
        with open(args.corpus[1], "w", encoding="utf-8", newline="") as f:
            f.write(generate(2024, int(float(args.corpus[0]) * 1_000_000)))
        return
    if args.tables:
        write_tables()
    os.makedirs(FIX, exist_ok=True)
    sample = os.path.join(FIX, "sample.txt")
    with open(sample, "w", encoding="utf-8", newline="") as f:
        f.write(generate(7, 250_000))

    gpt2 = build_gpt2(sample)
    llama3 = build_llama3(sample)
    qwen2 = build_qwen2(sample)
    options, options_json = build_options(gpt2)
    built = {"gpt2": gpt2, "llama3": llama3, "qwen2": qwen2, "minfreq": build_minfreq(sample),
             "options": options, "splits": build_splits(gpt2), "o200k": build_o200k(llama3),
             "truncpad-left": build_truncpad(options, True), "truncpad-right": build_truncpad(llama3, False)}
    texts = EDGE_CASES + sample_lines(99, 250) + documents(500, 3, 3000)
    for name, tok in built.items():
        with open(os.path.join(FIX, f"{name}.tokenizer.json"), "w", encoding="utf-8") as f:
            f.write(options_json if name == "options" else tok.to_str())
        if name.startswith("truncpad"):
            write_jsonl(os.path.join(FIX, f"{name}.golden.jsonl"),
                        golden_records(tok, EDGE_CASES + sample_lines(99, 40), random.Random(1)))
        elif name != "minfreq":
            write_jsonl(os.path.join(FIX, f"{name}.golden.jsonl"), golden_records(tok, texts, random.Random(1)))
    write_jsonl(os.path.join(FIX, "pretokenizer-splits.jsonl"), fuzz_splits(3, 400))
    for name, cfg in CHAT_CONFIGS.items():
        with open(os.path.join(FIX, f"{name}.tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump(cfg, f, ensure_ascii=False, indent=2)
    write_jsonl(os.path.join(FIX, "chat.golden.jsonl"), chat_goldens(llama3, qwen2, gpt2))
    if os.path.exists(SHARED_SAMPLE):
        write_jsonl(os.path.join(FIX, "real-text.golden.jsonl"),
                    real_text_goldens({"gpt2": gpt2, "llama3": llama3, "qwen2": qwen2, "options": options}))
    print("wrote", FIX)


if __name__ == "__main__":
    main()
