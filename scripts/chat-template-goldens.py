#!/usr/bin/env python3
"""Golden renderings of chat templates from transformers itself, for Tests/JinjaTests.

Renders every template in ../shared/data/chat_templates on conversations taken from
../shared/data (stored as row references, not copied) and on constructed ones, through
transformers' own `render_jinja_template` (the function `apply_chat_template` calls, after
the same `_normalize_chat_messages`), with `strftime_now` fixed by replacing the `datetime`
the module's global reads. Also renders small synthetic templates that exercise each filter,
test and statement through the same compiled environment (`_compile_jinja_template`).

Install the peer (the goldens were written with transformers 5.24.0 and jinja2 3.1.6; no
torch needed) and run from the package root, with ../shared/data present:

    python3 -m venv .venv-goldens && .venv-goldens/bin/pip install "transformers==5.24.0" "jinja2==3.1.6"
    .venv-goldens/bin/python scripts/chat-template-goldens.py

Writes fixtures/chat_templates/{templates,synthetic,bulk}.golden.jsonl. The bulk file renders
every row of ultrafeedback_binarized/test_prefs.jsonl (whole conversation; prompt with a
generation prompt) through every template and keeps the UTF-8 length and FNV-1a 64 hash of
each text, so many renders are checked without storing them.
"""
import datetime as _datetime
import json
import pathlib
import sys

import jinja2
import transformers
from transformers.utils import chat_template_utils as ctu

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "fixtures" / "chat_templates"
DATE = (2026, 1, 15, 14, 5, 9)


class FixedDatetime(_datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(*DATE)


# strftime_now calls `datetime.now()` through this module global at render time.
ctu.datetime = FixedDatetime

SPECIAL_TOKENS = {
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "mistral_v1": {"bos_token": "<s>", "eos_token": "</s>"},
    "mistral_v2v3": {"bos_token": "<s>", "eos_token": "</s>"},
    "gemma": {"bos_token": "<bos>", "eos_token": "<eos>"},
    "deepseek_v3": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
    "phi_3": {"bos_token": "<s>", "eos_token": "<|endoftext|>"},
    "qwen_25": {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>"},
    "qwen3": {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>"},
    "smollm2": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
}
DEFAULT_TOKENS = {"bos_token": "<s>", "eos_token": "</s>"}
COMMON_TOKENS = {"unk_token": "<unk>", "pad_token": "<pad>"}

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Get the weather in a city, e.g. \"Paris\".",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "City name"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer", "minimum": 1, "maximum": 7.5}},
            "required": ["city"]},
        "return": {"type": "string"}}},
]

SYSTEM = {"role": "system", "content": "You are a careful assistant. Answer briefly."}

# Conversations: "rows" name dataset rows whose messages are concatenated in order
# (file relative to ../shared/data, row index, field); "messages" are written out.
CONVERSATIONS = [
    {"case": "uf-row1", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 1, "messages"]]},
    {"case": "uf-row3", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 3, "messages"]]},
    {"case": "uf-row4-rejected", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 4, "rejected"]]},
    {"case": "uf-row79-non-bmp", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 79, "messages"]]},
    {"case": "uf-system-row6", "messages": [SYSTEM], "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 6, "messages"]]},
    {"case": "uf-4-turns", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 7, "messages"],
                                    ["ultrafeedback_binarized/test_prefs.jsonl", 8, "chosen"]]},
    {"case": "uf-prompt-only", "rows": [["ultrafeedback_binarized/test_prefs.jsonl", 13, "messages"]], "drop_last": 1},
    {"case": "ultrachat-raw", "ultrachat": "ultrachat/raw_format_example.json"},
    {"case": "system-3-turns", "messages": [
        SYSTEM,
        {"role": "user", "content": "What is 12 + 30?"},
        {"role": "assistant", "content": "  42  \n"},
        {"role": "user", "content": "And doubled?"},
        {"role": "assistant", "content": "84."},
        {"role": "user", "content": "Thanks!"}]},
    {"case": "no-system-2-turns", "messages": [
        {"role": "user", "content": "Say \"hi\" in French; use 'single' quotes \\ too."},
        {"role": "assistant", "content": "« Salut » 👋\r\nÀ bientôt."}]},
    {"case": "user-user", "messages": [
        {"role": "user", "content": "First question."},
        {"role": "user", "content": "Second question."}]},
    {"case": "empty-content", "messages": [
        {"role": "user", "content": ""},
        {"role": "assistant", "content": ""}]},
    {"case": "system-only-start-assistant", "messages": [
        SYSTEM, {"role": "assistant", "content": "I speak first."}]},
    {"case": "none-content-dropped", "messages": [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": None, "tool_calls": None},
        {"role": "user", "content": "Again"}]},
    {"case": "content-parts", "messages": [
        {"role": "system", "content": [{"type": "text", "text": "Be terse."}]},
        {"role": "user", "content": [{"type": "text", "text": " Describe  "}, {"type": "image"}, {"type": "text", "text": "this."}]},
        {"role": "assistant", "content": [{"type": "text", "text": "A cat."}]}]},
    {"case": "think-reasoning", "messages": [
        {"role": "user", "content": "Compute 2+2."},
        {"role": "assistant", "content": "<think>\nadd them\n</think>\n\n4"},
        {"role": "user", "content": "And 3+3?"},
        {"role": "assistant", "content": "6", "reasoning_content": "add again"}]},
    {"case": "tool-calls", "tools": TOOLS, "messages": [
        {"role": "system", "content": "Use tools."},
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "call12345", "type": "function",
             "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2, "ratio": 0.5}}}]},
        {"role": "tool", "tool_call_id": "call12345", "content": "{\"temp\": 21.5}"},
        {"role": "assistant", "content": "It is 21.5 °C."}]},
    {"case": "tool-calls-string-args", "messages": [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "abcdefghi", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}}]},
        {"role": "tool", "tool_call_id": "abcdefghi", "content": "cold"}]},
    {"case": "enable-thinking-false", "extra": {"enable_thinking": False}, "messages": [
        {"role": "user", "content": "Hi"}]},
    {"case": "strftime", "extra": {}, "messages": [{"role": "user", "content": "Date?"}]},
]


# (name, template source, context): each exercises one feature; expected output comes from
# jinja2 through transformers' compiled environment.
CASES = [
    # --- statements
    ("if-elif-else", "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %};{% endfor %}", {}),
    ("for-loop-vars", "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}|{% endfor %}", {"items": ["a", "b", "c"]}),
    ("for-previtem-nextitem", "{% for x in items %}[{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }}]{% endfor %}", {"items": [1, 2, 3]}),
    ("for-previtem-defined", "{% for x in items %}{{ loop.previtem is defined }},{{ loop.nextitem is defined }};{% endfor %}", {"items": [1, 2]}),
    ("for-cycle", "{% for x in items %}{{ loop.cycle('odd', 'even') }} {% endfor %}", {"items": [1, 2, 3]}),
    ("for-if-filter", "{% for x in items if x % 2 == 1 %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% endfor %}", {"items": [1, 2, 3, 4, 5]}),
    ("for-else", "{% for x in items %}{{ x }}{% else %}empty{% endfor %}", {"items": []}),
    ("for-else-filtered-out", "{% for x in items if x > 9 %}{{ x }}{% else %}none left{% endfor %}", {"items": [1, 2]}),
    ("for-dict-items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("for-dict-keys", "{% for k in d %}{{ k }},{% endfor %}", {"d": {"x": 1, "y": 2}}),
    ("for-string", "{% for c in 'héllo' %}{{ c }}.{% endfor %}", {}),
    ("for-nested-loop", "{% for a in [1, 2] %}{% for b in ['x', 'y'] %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("for-unpack-tuples", "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }} {% endfor %}", {}),
    ("for-undefined", "{% for x in nothing %}{{ x }}{% endfor %}done", {}),
    ("for-none-raises", "{% for x in items %}{{ x }}{% endfor %}", {"items": None}),
    ("break-continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("set-scope-loop", "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("set-scope-if", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", {}),
    ("set-not-carried-between-iterations", "{% for i in [1, 2] %}{% if loop.first %}{% set a = 1 %}{% endif %}[{{ a }}]{% endfor %}", {}),
    ("set-tuple", "{% set a, b = 1, 'two' %}{{ a }}-{{ b }}", {}),
    ("set-block", "{% set greeting %}Hello {{ name }}!{% endset %}[{{ greeting }}]", {"name": "Ann"}),
    ("set-block-filter", "{% set shout | upper %}quiet {{ name }}{% endset %}{{ shout }}", {"name": "bob"}),
    ("namespace-loop", "{% set ns = namespace(total=0, seen=[]) %}{% for x in [1, 2, 3] %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}", {}),
    ("namespace-empty-then-set", "{% set ns = namespace() %}{% set ns.a = 'x' %}{{ ns.a }}{{ ns.b is defined }}", {}),
    ("namespace-from-dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}", {}),
    ("namespace-underscore", "{% set ns = namespace() %}{% set ns._secret = 1 %}", {}),
    ("macro-defaults", "{% macro m(a, b=2) %}{{ a }}+{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, 3) }} {{ m(b=5, a=4) }}", {}),
    ("macro-varargs-kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, z=4) }}", {}),
    ("macro-missing-arg", "{% macro m(a, b) %}[{{ a }}][{{ b }}][{{ b is defined }}]{% endmacro %}{{ m(1) }}", {}),
    ("macro-recursive", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n }}*{{ fact(n - 1) }}{% endif %}{% endmacro %}{{ fact(5) }}", {}),
    ("macro-scope", "{% set g = 'outer' %}{% macro m() %}{% set g = 'inner' %}{{ g }}{% endmacro %}{{ m() }}{{ g }}", {}),
    ("macro-call-block", "{% macro box(title) %}<{{ title }}:{{ caller() }}>{% endmacro %}{% call box('t') %}body {{ 1 + 1 }}{% endcall %}", {}),
    ("macro-call-block-args", "{% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}({{ x }}){% endcall %}", {}),
    ("filter-block", "{% filter upper %}hello {{ name }}{% endfilter %}", {"name": "you"}),
    ("with-block", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]", {}),
    ("raw-block", "{% raw %}{{ not evaluated }} {% if %}{% endraw %}", {}),
    ("comment", "a{# a comment #}b{#- trimmed -#}  c", {}),
    # --- whitespace control
    ("trim-lstrip-blocks", "<ul>\n  {% for x in items %}\n    <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n", {"items": [1, 2]}),
    ("dash-strip", "a   {%- if true -%}   b   {%- endif -%}   c\n  {{- ' d ' -}}  e", {}),
    ("plus-disables-lstrip", "x\n    {%+ if true %}y{% endif %}\n  z", {}),
    ("plus-disables-trim", "{% if true +%}\nkept newline{% endif %}", {}),
    ("variable-no-trim", "{{ 'a' }}\n{{ 'b' }}\n", {}),
    ("comment-lstrip-trim", "line1\n    {# note #}\nline2", {}),
    ("crlf-source", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n", {}),
    ("trailing-newline-kept-once", "text\n\n", {}),
    ("lstrip-after-text-on-line", "x {% if true %}y{% endif %}", {}),
    ("dash-var-leading-minus", "{{-1}}|{{ -1 }}", {}),
    # --- literals and printing
    ("literals", "{{ 'sq' }} {{ \"dq\" }} {{ 42 }} {{ 4.50 }} {{ 1e3 }} {{ 1_000 }} {{ 0x1F }} {{ True }} {{ false }} {{ None }} {{ none }}", {}),
    ("string-escapes", "{{ 'tab\\there\\nnl \\x41\\u00e9\\U0001F600 \\\\ \\' \\q' }}", {}),
    ("adjacent-strings", "{{ 'a' 'b' \"c\" }}", {}),
    ("print-list-repr", "{{ [1, 2.5, 'a', \"it's\", None, True, (1,), (), {'k': [1]}] }}", {}),
    ("print-dict-repr", "{{ d }}", {"d": {"a": 1, "b": [True, None], "c": "x\ny"}}),
    ("print-floats", "{{ 1e16 }} {{ 9.5e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1/3 }} {{ 2.0 }} {{ -0.0 }} {{ 1e-7 }} {{ 123456789.123 }} {{ 0.1 + 0.2 }}", {}),
    ("print-context-float", "{{ x }} {{ y }} {{ z }}", {"x": 1.0, "y": 2.5e-10, "z": 1e22}),
    ("repr-string-quotes", "{{ [\"it's\", 'say \"x\"', 'both \\' \"', 'ctrl\\x01\\x7f', 'é€😀', '\\u200b'] }}", {}),
    ("tuple-print", "{{ (1, 'a') }}{{ (1,) }}", {}),
    ("print-namespace", "{{ namespace(a=1) }}", {}),
    # --- expressions
    ("arithmetic", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7.5 % 2 }} {{ -7.5 // 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7 / 2 }} {{ 6 / 3 }} {{ 1 + 2.0 }} {{ 3 - True }}", {}),
    ("unary-and-power", "{{ -2 ** 2 }} {{ -(2 ** 2) }} {{ - 3|abs }} {{ +4 }}", {}),
    ("string-ops", "{{ 'ab' + 'cd' }} {{ 'ab' * 3 }} {{ 2 * 'x' }} {{ 'a' ~ 1 ~ none ~ undefined_name ~ [1] }}", {}),
    ("list-ops", "{{ [1] + [2, 3] }} {{ [0] * 3 }} {{ (1, 2) + (3,) }}", {}),
    ("comparisons", "{{ 1 < 2 }} {{ 2 <= 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ 1 == True }} {{ 'a' != 'a' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }}", {}),
    ("in-operator", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }} {{ 'x' in undefined_name }} {{ '' in 'a' }}", {}),
    ("logic-values", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ '' and 'z' }} {{ not [] }} {{ none or none }} {{ not undefined_name }}", {}),
    ("conditional-expr", "{{ 'yes' if flag else 'no' }} {{ 'only-if' if not flag }}|{{ 'a' if false else 'b' if true else 'c' }}", {"flag": True}),
    ("subscripts", "{{ items[0] }} {{ items[-1] }} {{ items[1:] }} {{ items[:-1] }} {{ items[::-1] }} {{ items[::2] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ items[10] }}|", {"items": [1, 2, 3, 4]}),
    ("attribute-item-fallback", "{{ d.name }} {{ d['name'] }} {{ d.missing }}|{{ d.items()|list }} {{ d.get('name') }} {{ d.get('zz', 'dflt') }} {{ l.0 }}", {"d": {"name": "n"}, "l": ["first"]}),
    ("dict-key-shadowing-method", "{{ d['items'] }} {{ d.items is defined }} {{ d.keys()|list }} {{ d.values()|list }}", {"d": {"items": "value"}}),
    ("dict-literal-and-int-keys", "{% set d = {1: 'one', 'a': 2} %}{{ d[1] }}{{ d.a }}{{ d }}", {}),
    ("attr-of-undefined-raises", "{{ x.y }}", {}),
    ("item-of-undefined-raises", "{{ x['y'] }}", {}),
    ("undefined-attr-chain-defined-test", "{{ d.a is defined }} {{ d.a.b is defined if d.a is defined else 'skip' }}", {"d": {}}),
    ("add-undefined-raises", "{{ missing + 'x' }}", {}),
    ("concat-str-int-raises", "{{ 'a' + 1 }}", {}),
    ("compare-str-int-raises", "{{ 'a' < 1 }}", {}),
    ("division-by-zero", "{{ 1 / 0 }}", {}),
    ("call-non-callable", "{{ 'x'() }}", {}),
    ("percent-format", "{{ '%s is %d years, %r' % ('Ann', 30, 'x') }} {{ '%.2f%%' % 3.14159 }} {{ '%(a)s' % {'a': 'named'} }}", {}),
    ("str-format-method", "{{ '{} and {}'.format('a', 1) }} {{ '{0}{1}{0}'.format('x', 'y') }} {{ '{name}!'.format(name='n') }} {{ '{{}}'.format() }}", {}),
    # --- tests
    ("tests-types", "{% for v in [1, 1.5, 'a', [1], {'a': 1}, none, true] %}{{ v is number }}{{ v is integer }}{{ v is float }}{{ v is string }}{{ v is mapping }}{{ v is iterable }}{{ v is sequence }}{{ v is boolean }}{{ v is none }};{% endfor %}", {}),
    ("tests-values", "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }}", {}),
    ("tests-compare", "{{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 3 is ge 4 }} {{ 2 is in [1, 2] }} {{ 3 is greaterthan 1 }} {{ 1 is lessthan 0 }}", {}),
    ("tests-defined", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ x is not none }} {{ z is none }}", {"x": 1, "z": None}),
    ("tests-misc", "{{ none is sameas none }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ raise_exception is callable }} {{ 'x' is callable }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'nope' is filter }}", {}),
    ("test-undefined-is-iterable", "{{ missing is iterable }} {{ missing is sequence }} {{ missing is string }} {{ missing is mapping }}", {}),
    ("select-tests", "{{ items|select('odd')|list }} {{ items|reject('odd')|list }} {{ items|select('greaterthan', 2)|list }} {{ items|select|list }} {{ [0, 1, '', 'a']|reject|list }}", {"items": [1, 2, 3, 4]}),
    # --- filters
    ("filter-trim", "[{{ '  a b \\n'|trim }}][{{ 'xxaxx'|trim('x') }}][{{ missing|trim }}]", {}),
    ("filter-length", "{{ 'héllo'|length }} {{ [1, 2]|count }} {{ {'a': 1}|length }} {{ missing|length }}", {}),
    ("filter-case", "{{ 'Hello World'|lower }} {{ 'straße'|upper }} {{ 'hello wORLD-foo (bar [baz'|title }} {{ 'hELLO world'|capitalize }}", {}),
    ("filter-replace", "{{ 'aaa'|replace('a', 'b') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|replace('', '-') }}", {}),
    ("filter-join", "{{ [1, 2, 3]|join }} {{ ['a', 'b']|join(', ') }} {{ users|join('/', attribute='name') }} {{ [1, none, 'x']|join('-') }}", {"users": [{"name": "a"}, {"name": "b"}]}),
    ("filter-default", "{{ missing|default('dflt') }} {{ ''|default('empty') }} {{ ''|default('bool', true) }} {{ none|default('n') }} {{ none|d('n', boolean=true) }} {{ 0|d('zero', true) }}", {}),
    ("filter-first-last", "{{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'abc'|first }} {{ 'abc'|last }} {{ []|first }}|{{ {'k': 1}|first }}", {}),
    ("filter-list-items", "{{ 'ab'|list }} {{ {'a': 1, 'b': 2}|items|list }} {{ {'a': 1}|list }} {{ missing|items|list }}", {}),
    ("filter-map", "{{ users|map(attribute='name')|list }} {{ users|map(attribute='age', default=0)|list }} {{ ['a', 'B']|map('upper')|list }} {{ [1.5, 2.4]|map('round')|list }} {{ users|map(attribute='info.city')|list }}", {"users": [{"name": "a", "age": 3, "info": {"city": "x"}}, {"name": "b", "info": {"city": "y"}}]}),
    ("filter-selectattr", "{{ msgs|selectattr('role', 'equalto', 'user')|map(attribute='content')|list }} {{ msgs|rejectattr('role', 'eq', 'user')|list|length }} {{ parts|selectattr('text', 'defined')|map(attribute='text')|join('') }} {{ flags|selectattr('on')|list|length }}", {"msgs": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "parts": [{"text": "x"}, {"image": 1}, {"text": "y"}], "flags": [{"on": True}, {"on": False}]}),
    ("filter-unique", "{{ ['a', 'A', 'b', 'a']|unique|list }} {{ ['a', 'A']|unique(case_sensitive=true)|list }} {{ users|unique(attribute='g')|map(attribute='n')|list }}", {"users": [{"g": 1, "n": "x"}, {"g": 1, "n": "y"}, {"g": 2, "n": "z"}]}),
    ("filter-indent", "[{{ 'a\\nb\\n\\nc'|indent }}][{{ 'a\\nb'|indent(2, true) }}][{{ 'a\\n\\nb\\n'|indent(2, blank=true) }}][{{ 'x\\ny'|indent('> ') }}][{{ ''|indent(first=true) }}]", {}),
    ("filter-tojson", "{{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ d|tojson(sort_keys=true) }}|{{ d|tojson(separators=(',', ':')) }}|{{ [1.0, 1e16, 1e-5, -0.0, 'é\"\\\\\\n\\t\\x01\\u2028<>&\\''] |tojson }}|{{ [] | tojson(indent=2) }}|{{ {} | tojson(indent=4) }}|{{ none|tojson }}|{{ 'x'|tojson(ensure_ascii=true) }}{{ 'é😀'|tojson(ensure_ascii=true) }}", {"d": {"b": [1, 2.5, {"c": None}], "a": True, "ü": "ß"}}),
    ("filter-tojson-indent-string", "{{ d|tojson(indent='\\t') }}", {"d": {"a": [1, {"b": 2}]}}),
    ("filter-tojson-tuple-intkey", "{{ {1: (1, 2), none: 'n', true: 't', 1.5: 'f'}|tojson }}", {}),
    ("filter-tojson-undefined-raises", "{{ missing|tojson }}", {}),
    ("filter-string", "{{ 1|string }}{{ none|string }}{{ [1, 'a']|string }}{{ (true|string)|length }}", {}),
    ("filter-int-float", "{{ '42'|int }} {{ ' -7 '|int }} {{ '3.9'|int }} {{ 'x'|int }} {{ 'x'|int(5) }} {{ 3.99|int }} {{ '0x1A'|int(base=16) }} {{ '1_000'|int }} {{ '2.5'|float }} {{ 'bad'|float }} {{ 3|float }} {{ true|int }} {{ none|int }} {{ '1e3'|int }}", {}),
    ("filter-abs-round", "{{ -3|abs }} {{ -2.5|abs }} {{ 2.5|round }} {{ 3.5|round }} {{ 3|round }} {{ 3.14159|round(2) }} {{ 2.675|round(2) }} {{ 3.2|round(method='ceil') }} {{ 3.8|round(0, 'floor') }} {{ 1234|round(-2) }} {{ -2.5|round }} {{ 1.55|round(1) }}", {}),
    ("filter-sum", "{{ [1, 2, 3]|sum }} {{ [1.5, 2]|sum }} {{ items|sum(attribute='v') }} {{ [1]|sum(start=10) }}", {"items": [{"v": 1}, {"v": 5}]}),
    ("filter-sort", "{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c']|sort }} {{ ['b', 'A', 'c']|sort(case_sensitive=true) }} {{ [3, 1, 2]|sort(reverse=true) }} {{ users|sort(attribute='age')|map(attribute='n')|list }} {{ users|sort(attribute='age', reverse=true)|map(attribute='n')|list }}", {"users": [{"n": "x", "age": 3}, {"n": "y", "age": 1}, {"n": "z", "age": 3}]}),
    ("filter-reverse", "{{ 'abc'|reverse }} {{ [1, 2, 3]|reverse|list }} {{ (1, 2)|reverse|list }}", {}),
    ("filter-dictsort", "{{ d|dictsort }} {{ d|dictsort(by='value') }} {{ d|dictsort(reverse=true) }} {{ d|dictsort(true) }}", {"d": {"b": 2, "A": 3, "a": 1}}),
    ("filter-wordcount", "{{ 'Hello, world! foo_bar 42 é'|wordcount }}", {}),
    ("filter-escape", "{{ '<a href=\"x\">&\\'</a>'|escape }} {{ '<b>'|e }} {{ '<i>'|safe }} {{ 5|e }}", {}),
    ("filter-min-max", "{{ [3, 1, 2]|min }} {{ [3, 1, 2]|max }} {{ ['b', 'A']|min }} {{ users|max(attribute='age')|attr('n') }}", {"users": [{"n": "x", "age": 3}, {"n": "y", "age": 9}]}),
    ("filter-batch", "{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3]|batch(2, 'x')|list }}", {}),
    ("filter-center-format", "[{{ 'ab'|center(6) }}][{{ '%s-%s'|format('a', 1) }}]", {}),
    ("filter-chain-args", "{{ '  Hello World  '|trim|lower|replace('world', 'there')|title }}", {}),
    ("unknown-filter", "{{ 'x'|no_such_filter }}", {}),
    # --- python methods
    ("method-strip", "[{{ '  x  '.strip() }}][{{ 'xxaxx'.strip('x') }}][{{ '\\n\\nabc\\n'.lstrip('\\n') }}][{{ 'abc  '.rstrip() }}][{{ 'abcba'.rstrip('ab') }}]", {}),
    ("method-split", "{{ 'a,b,,c'.split(',') }} {{ '  a  b \\n c '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a<x>b<x>c'.split('<x>')[-1] }} {{ 'a b  c'.split(none, 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ ''.split(',') }} {{ ''.split() }}", {}),
    ("method-startswith", "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }} {{ 'hello'.endswith(('x', 'y')) }}", {}),
    ("method-case", "{{ 'aBc'.upper() }} {{ 'aBc'.lower() }} {{ \"they're bill's friends\".title() }} {{ 'hello world'.capitalize() }}", {}),
    ("method-replace-find", "{{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '', 1) }} {{ 'héllo'.find('l') }} {{ 'abc'.find('z') }} {{ 'abab'.count('ab') }} {{ 'abab'.rfind('ab') }}", {}),
    ("method-misc", "{{ ', '.join(['a', 'b']) }} {{ '12'.isdigit() }} {{ 'ab'.isalpha() }} {{ ' '.isspace() }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'ab'.zfill(4) }} {{ 'prefix-x'.removeprefix('prefix-') }} {{ 'a=b'.partition('=') }}", {}),
    ("method-list", "{{ [1, 2, 1].count(1) }} {{ ['a', 'b'].index('b') }}", {}),
    ("method-append-forbidden", "{% set l = [] %}{{ l.append(1) }}", {}),
    ("method-update-forbidden", "{% set d = {} %}{{ d.update({'a': 1}) }}", {}),
    ("method-pop-forbidden", "{{ items.pop() }}", {"items": [1]}),
    ("method-on-undefined", "{{ missing.strip() }}", {}),
    # --- globals
    ("raise-exception", "{% if x > 1 %}{{ raise_exception('x is too big: ' ~ x) }}{% endif %}ok", {"x": 2}),
    ("strftime-now", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S') }}|{{ strftime_now('%A %a %B %y %j %%') }}|{{ strftime_now('%-d %-m') }}|{{ strftime_now('%I %p %e') }}", {}),
    ("dict-global", "{{ dict(a=1, b='x') }} {{ dict([('k', 'v')]) }} {{ dict({'z': 0}, y=1) }} {{ dict() }}", {}),
    ("range-global", "{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ range(0)|list }}", {}),
    ("range-too-big", "{{ range(100001)|length }}", {}),
    # --- generation blocks (assistant masks)
    ("generation-spans", "{% for m in messages %}<{{ m.role }}>{% if m.role == 'assistant' %}{% generation %}{{ m.content }}</s>{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}", {"messages": [{"role": "user", "content": "héllo"}, {"role": "assistant", "content": "wörld 😀"}, {"role": "user", "content": "again"}, {"role": "assistant", "content": "ok"}]}),
    ("generation-whitespace", "{%- for m in messages %}\n  {%- if m.role == 'assistant' %}\n    {%- generation %}\n    {{- m.content -}}\n    {%- endgeneration %}\n  {%- else %}[{{ m.content }}]{% endif %}\n{%- endfor %}", {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a1"}]}),
    # --- edge cases found while checking the lexer and Python semantics
    ("raw-whitespace-control", "a  {%- raw -%}  x  {%- endraw -%}  b|  {% raw %}\n  y\n  {% endraw %}\nz", {}),
    ("lstrip-tabs-and-after-variable", "\t {% if true %}x{% endif %}\n{{ 'a' }}\n  {% if true %}b{% endif %}\n  {#- c #}\nq", {}),
    ("lstrip-unicode-space", "\u3000{% if true %}x{% endif %}|\u00a0 {% if true %}y{% endif %}", {}),
    ("dash-at-template-start-end", "  {{- ' a ' -}}  \n", {}),
    ("float-repr-extremes", "{{ 1e100 }} {{ 5e-324 }} {{ 1.7976931348623157e308 }} {{ 123456789012345678.0 }} {{ 0.1 }} {{ 100.0 }} {{ 1e15 }} {{ 12345678901234567890.0 }} {{ 1.5e-5 }} {{ 0.000123 }}", {}),
    ("int-edge-arithmetic", "{{ 2**62 }} {{ 10 // -3 }} {{ 10 % -3 }} {{ -10 % 3 }} {{ 5.0 // 0.3 }} {{ 5.0 % 0.3 }} {{ -0.0 // 1 }} {{ 7 // 2.0 }} {{ True + True }}", {}),
    ("equality-kinds", "{{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ {'a': 1} == {'a': 1.0} }} {{ 'a' == 'a' }} {{ none == false }} {{ 0 == false }} {{ '1' == 1 }}", {}),
    ("default-keeps-none", "{{ x|default('d') }} {{ y|default }}|{{ z|default('dz') }}", {"x": None, "y": 0}),
    ("selectattr-type-tests", "{{ items|selectattr('v', 'none')|list|length }} {{ items|selectattr('v', 'string')|map(attribute='v')|list }} {{ items|rejectattr('v')|list|length }}", {"items": [{"v": None}, {"v": "s"}, {"v": 0}, {"v": 1}]}),
    ("method-chain", "{{ x.strip().split('\\n')|map('trim')|join(',') }}", {"x": "  a \n b\n  c  "}),
    ("unicode-case", "{{ 'ǅx'|upper }} {{ 'İ'|lower|length }} {{ 'ß'|title }} {{ 'ǆa'.title() }} {{ 'ﬁre'.upper() }} {{ 'ΣΑΣ'.lower() }}", {}),
    ("star-arguments", "{% for i in range(3) %}{{ loop.cycle(*['a', 'b']) }}{% endfor %} {{ dict(**{'a': 1}) }} {{ range(*[2, 5])|list }}", {}),
    ("namespace-attribute-read", "{{ namespace(a=1).a }} {{ namespace(a=1).b is defined }}", {}),
    ("attribute-of-none-and-int", "[{{ none.foo }}][{{ (3).foo }}][{{ none.foo is defined }}]", {}),
    ("inline-if-without-else", "[{{ 'a' if 'b' }}][{{ 'a' if '' }}][{{ ('a' if '')|length }}]", {}),
    ("nbsp-strip-split", "[{{ '\u00a0a\u00a0'.strip() }}][{{ 'a\\tb\\u2003c'.split() }}][{{ '  x  '|trim('') }}]", {}),
    ("center-padding", "[{{ 'x'|center(4) }}][{{ 'ab'|center(5) }}][{{ 'abc'|center(2) }}][{{ 'a'.ljust(3, '*') }}][{{ 'a'.rjust(3) }}]", {}),
    ("items-of-list-raises", "{{ [1, 2]|items|list }}", {}),
    ("tojson-sort-mixed-keys-raises", "{{ {1: 'a', 'b': 2}|tojson(sort_keys=true) }}", {}),
    ("tojson-string-escapes", "{{ '{\"a\": 1}'|tojson }} {{ '\\u007f\\u0080\\ud7ff'|tojson }} {{ 'a/b'|tojson }}", {}),
    ("tojson-indent-zero-and-sort", "{{ d|tojson(indent=0) }}|{{ d|tojson(indent=1, sort_keys=true, separators=(',', ' = ')) }}", {"d": {"z": [1, {"y": []}], "a": {}}}),
    ("percent-none-and-tuple", "{{ '%s' % none }} {{ '%s|%s' % (1, [2]) }} {{ '%d%%' % 50 }}", {}),
    ("macro-in-loop-with-caller", "{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% for x in [1, 2] %}{% call wrap() %}{{ x }}{{ loop.index }}{% endcall %}{% endfor %}", {}),
    ("and-or-short-circuit", "{{ false and missing.attr }} {{ true or missing.attr }} {{ (x is defined and x) or 'no' }}", {}),
    ("nested-namespace-in-macro", "{% set ns = namespace(n=0) %}{% macro bump() %}{% set ns.n = ns.n + 1 %}{% endmacro %}{{ bump() }}{{ bump() }}{{ ns.n }}", {}),
    ("loop-length-filtered-last", "{% for x in [1, 2, 3, 4] if x != 4 %}{{ x }}{{ '' if loop.last else ',' }}{% endfor %}", {}),
    ("string-iteration-and-index", "{{ 'hello'[0] }}{{ 'hello'[-1] }}{{ 'héllo'[1] }}{{ 'hi'[5] is defined }}", {}),
    ("list-of-dicts-repr", "{{ msgs }}", {"msgs": [{"role": "user", "content": "it's \"q\"\n"}]}),
    ("bool-arithmetic-and-repr", "{{ true + 1 }} {{ [true, false] }} {{ true|string }} {{ 1.0 == 1 }} {{ -true }}", {}),
    ("messages-length-minus-one", "{{ messages|length - 1 }} {{ (messages|length) - 1 }} {{ -messages|length }}", {"messages": [1, 2, 3]}),
    ("if-tuple-condition", "{% if 0, 0 %}tuple is truthy{% endif %}", {}),
    ("set-multiple-targets-nested", "{% set (a, b), c = (1, 2), 3 %}{{ a }}{{ b }}{{ c }}", {}),
    ("unpack-mismatch-raises", "{% set a, b = [1, 2, 3] %}", {}),
    ("first-of-undefined-attr", "{{ (messages|first).role }} {{ (messages|last)['content'] }}", {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]}),
    ("sum-strings-raises", "{{ ['a', 'b']|sum }}", {}),
    ("join-nested-lists", "{{ [[1, 2], 'x']|join('|') }}", {}),
    ("int-float-conversions-more", "{{ '  12  '|float }} {{ 'inf'|float }} {{ '1_5'|float }} {{ '+3'|int }} {{ '0b101'|int(0, 2) }} {{ '017'|int(base=0) }} {{ '0o17'|int(base=0) }} {{ ''|int }} {{ 1e18|int }}", {}),
    ("round-more", "{{ 0.5|round }} {{ 1.5|round }} {{ 2.345|round(2) }} {{ -1.5|round }} {{ 1.005|round(2) }} {{ 12345.678|round(-2) }} {{ 5|round(2, 'ceil') }} {{ -3.7|round(method='ceil') }}", {}),
    ("indent-more", "[{{ 'a\\r\\nb\\u2028c'|indent(1) }}][{{ 'a\\n\\n'|indent(2, true, true) }}][{{ 'one'|indent(3, true) }}]", {}),
    ("loop-changed", "{% for x in [1, 1, 2, 2, 1] %}{{ loop.changed(x) }},{% endfor %}{% for a in [1, 2] %}{% for b in [1, 1] %}{{ loop.changed(b) }}{% endfor %}{% endfor %}", {}),
    ("joiner-global", "{% set j = joiner(', ') %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}|{% set k = joiner() %}{{ k() }}{{ k() }}{{ k() }}", {}),
    ("tuple-subscript-is-undefined", "[{{ [1, 2][0:1, 1] }}][{{ {'a': 1}['a', 'b'] is defined }}]", {}),
    ("sum-missing-attribute-raises", "{{ [{'v': 1}, {'w': 2}]|sum(attribute='v') }}", {}),
    ("in-namespace-raises", "{{ 'a' in namespace(a=1) }}", {}),
    ("macro-sees-later-globals", "{% set x = 5 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 6 %}{{ m() }}|{% macro n() %}{{ y }}{% endmacro %}{% for y in [1] %}{{ n() }}{% endfor %}|{% for i in [1, 2] %}{% macro o() %}{{ i }}{% endmacro %}{{ o() }}{% endfor %}", {}),
    ("macro-called-before-definition", "{{ m() }}{% macro m() %}x{% endmacro %}", {}),
    ("generators-from-filters", "{{ (items|map('upper'))|list }} {{ items|select|list }} {{ items|reverse|list }} {{ [] | select | list }} {% if [] | select %}always true{% endif %} {{ items|map('upper') is sequence }} {{ items|map('upper') is iterable }}", {"items": ["a", "b"]}),
    ("generator-has-no-length", "{{ items|map('upper')|length }}", {"items": ["a"]}),
    ("generator-not-json", "{{ items|map(attribute='x')|tojson }}", {"items": [{"x": 1}]}),
    ("generator-is-consumed-once", "{% set g = items|map('upper') %}{{ g|list }}{{ g|list }}{{ g|join }}", {"items": ["a", "b"]}),
    ("generator-last-raises", "{{ items|select|last }}", {"items": [1, 2]}),
    ("map-select-of-none", "[{{ none|map('upper')|list }}][{{ none|selectattr('x')|list }}][{{ none|selectattr('type', 'equalto', 'code')|list|length > 0 }}][{{ ''|reject|list }}]", {}),
    ("reverse-kinds", "{{ 'abc'|reverse }} {{ (1, 2)|reverse|list }} {{ {'a': 1, 'b': 2}|reverse|list }} {{ [1, 2]|reverse|first }} {{ items|map('string')|reverse|list }}", {"items": [1, 2]}),
    ("unique-and-batch-are-generators", "{{ [1, 1, 2]|unique|list }} {{ [1, 2, 3]|batch(2)|list }} {% if []|unique %}truthy{% endif %}", {}),
    ("filter-truncate", "[{{ 'hello world foo bar'|truncate(9) }}][{{ 'hello world foo bar'|truncate(9, true) }}][{{ 'short'|truncate(3, leeway=2) }}][{{ 'abcdefghij'|truncate(8, end='~', leeway=0) }}][{{ 'ab cd'|truncate(5) }}]", {}),
    ("filter-truncate-end-too-long", "{{ 'x'|truncate(1, end='..') }}", {}),
    ("extreme-integers", "{{ [1, 2, 3][1::9223372036854775807] }} {{ range(-9223372036854775807 - 1, 9223372036854775807, 9223372036854775807)|list }} {{ 1|round(-400) }} {{ '%d' % 1e30 }} {{ 'ab'|truncate(9223372036854775807, leeway=9) }}", {}),
    ("unicode-classes", "{{ 'हिन्दी भाषा'|wordcount }} {{ 'e\u0301t\u00e9'|wordcount }} {{ 'हिन्दी'.isalpha() }} {{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ '½'.isdigit() }} {{ 'ab1'.isalnum() }} {{ 'ΣΑΣ ΟΔΟΣ'|title }} {{ 'x_y z'|wordcount }}", {}),
    ("generation-scope-and-captures", "{% set ns = namespace(a=0) %}{% generation %}{% set x = 1 %}{% set ns.a = 5 %}g{% endgeneration %}[{{ x }}{{ ns.a }}]{% macro m() %}ab{% generation %}in macro{% endgeneration %}{% endmacro %}pre{{ m() }}{% set s %}{% generation %}kept{% endgeneration %}{% endset %}|{{ s }}{% generation %}o{% generation %}inner{% endgeneration %}{% endgeneration %}", {"messages": []}),
    ("generation-loop-variables", "{% for i in ['x', 'y'] %}{% generation %}{{ loop.index }}{{ i }}{% endgeneration %},{% endfor %}", {"messages": []}),
    ("generation-break-is-a-syntax-error", "{% for i in [1, 2] %}{% generation %}{% break %}{% endgeneration %}{% endfor %}", {"messages": []}),
    ("block-scopes", "{% filter upper %}{% set x = 'in' %}{% endfilter %}[{{ x }}]{% set a = 5 %}{% with a = 1, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}{% set t = 'top' %}{% set s %}{% set t = 'inner' %}{% endset %}{{ t }}{% set x %}{% for i in [1, 2] %}{{ loop.index }}{% endfor %}{% endset %}{{ x }}{{ x|length }}", {}),
    ("loop-and-macro-scopes", "{% for x in [] %}{% else %}{% set z = 1 %}{% endfor %}[{{ z }}]{% macro m(a, b=a) %}{{ a }}{{ b }}{% endmacro %}{{ m(3) }}{% set item = 'outer' %}{% for item in [1] %}{{ item }}{% endfor %}{{ item }}{% set x = 'o' %}{% for x in [] %}{% else %}{{ x }}{% endfor %}{% for a in [1] %}{% for b in [2] %}{% set c = a + b %}{% endfor %}[{{ c }}]{% endfor %}[{{ loop }}]{% for x in [1, 2] %}{{ loop.length }}{% for y in [3] %}{{ loop.length }}{% endfor %}{% endfor %}{% macro k() %}{{ caller() }}{% endmacro %}{% call k() %}{% set q = 1 %}c{% endcall %}{{ q }}{% macro p(x) %}{{ x }}{% endmacro %}{{ p() }}|{{ p(2) }}", {}),
    ("in-generator", "{% set g = [1, 2, 3]|select %}{{ 2 in g }}{{ g|list }}{{ 5 in [1]|select }}", {}),
    ("first-of-generator", "{% set g = [1, 2, 3]|select %}{{ g|first }}{{ g|list }}{{ []|select|first is defined }}", {}),
    ("method-start-end-arguments", "{{ 'abcabc'.startswith('b', 1) }} {{ 'abcabc'.endswith('b', 0, 2) }} {{ 'abcabc'.find('a', 1) }} {{ 'abcabc'.find('c', -2) }} {{ 'abcabc'.rfind('a', 0, 3) }} {{ 'abcabc'.count('b', 2) }} {{ 'abc'.find('', 5) }} {{ 'abc'.startswith('', 4) }} {{ 'héllo'.find('l', 3) }} {{ 'abc'.count('', 1, 2) }}", {}),
    ("recursive-loop", "{% for node in tree recursive %}<{{ node.name }}:{{ loop.depth }}/{{ loop.depth0 }}/{{ loop.index }}{% if node.children %}[{{ loop(node.children) }}]{% endif %}>{% else %}empty{% endfor %}", {"tree": [{"name": "a", "children": [{"name": "b", "children": []}, {"name": "c", "children": [{"name": "d"}]}]}, {"name": "e", "children": []}]}),
    ("recursive-loop-else-and-filter", "{% for n in tree if n.keep recursive %}{{ n.name }}({{ loop(n.kids) }}){% else %}-{% endfor %}", {"tree": [{"name": "a", "keep": True, "kids": [{"name": "x", "keep": False}, {"name": "y", "keep": True, "kids": []}]}, {"name": "b", "keep": False}]}),
    ("non-recursive-loop-call", "{% for x in [1] %}{{ loop([2]) }}{% endfor %}", {}),
    # --- syntax errors
    ("syntax-unclosed-if", "{% if true %}never closed", {}),
    ("syntax-unknown-tag", "{% frobnicate %}", {}),
    ("syntax-bad-expression", "{{ 1 + }}", {}),
    ("syntax-unclosed-string", "{{ 'abc }}", {}),
    ("syntax-break-outside-loop", "{% break %}", {}),
]


def load_rows(path):
    with open(DATA / path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def conversation_messages(spec, cache):
    messages = list(spec.get("messages", []))
    for path, row, field in spec.get("rows", []):
        if path not in cache:
            cache[path] = load_rows(path)
        messages += cache[path][row][field]
    if "ultrachat" in spec:
        turns = json.loads((DATA / spec["ultrachat"]).read_text(encoding="utf-8"))["data"]
        messages += [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
    if spec.get("drop_last"):
        messages = messages[: -spec["drop_last"]]
    return messages


def error_record(e):
    return {"class": type(e).__name__, "message": str(e)}


def render_template(source, messages, tools, extra, tokens, add_generation_prompt):
    chat = ctu._normalize_chat_messages(messages)
    rendered, _ = ctu.render_jinja_template(
        conversations=[chat], tools=tools, documents=None, chat_template=source,
        add_generation_prompt=add_generation_prompt, **tokens, **extra)
    return rendered[0]


def template_goldens():
    cache = {}
    records = []
    for path in sorted((DATA / "chat_templates").glob("*.jinja")):
        name = path.stem
        source = path.read_text(encoding="utf-8")
        tokens = {**SPECIAL_TOKENS.get(name, DEFAULT_TOKENS), **COMMON_TOKENS}
        for spec in CONVERSATIONS:
            messages = conversation_messages(spec, cache)
            for agp in (False, True):
                record = {"template": name, "case": spec["case"], "add_generation_prompt": agp,
                          "special_tokens": tokens, "date": list(DATE)}
                for key in ("rows", "ultrachat", "drop_last", "tools", "extra"):
                    if key in spec:
                        record[key] = spec[key]
                if "messages" in spec:
                    record["messages"] = spec["messages"]
                try:
                    record["text"] = render_template(source, messages, spec.get("tools"), spec.get("extra", {}), tokens, agp)
                except Exception as e:  # the Swift side must raise as well
                    record["error"] = error_record(e)
                records.append(record)
    return records


def synthetic_goldens():
    records = []
    for name, source, context in CASES:
        record = {"name": name, "source": source, "context": context, "date": list(DATE)}
        try:
            template = ctu._compile_jinja_template(source)
            if "generation" in source:
                rendered, indices = ctu.render_jinja_template(
                    conversations=[context.get("messages", [])], chat_template=source,
                    return_assistant_tokens_mask=True,
                    **{k: v for k, v in context.items() if k != "messages"})
                record["text"] = rendered[0]
                record["generation"] = [list(span) for span in indices[0]]
            else:
                record["text"] = template.render(**context)
        except Exception as e:
            record["error"] = error_record(e)
        records.append(record)
    return records


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


BULK_ROWS = "ultrafeedback_binarized/test_prefs.jsonl"


def bulk_goldens():
    rows = load_rows(BULK_ROWS)
    records = []
    for path in sorted((DATA / "chat_templates").glob("*.jinja")):
        name = path.stem
        source = path.read_text(encoding="utf-8")
        tokens = {**SPECIAL_TOKENS.get(name, DEFAULT_TOKENS), **COMMON_TOKENS}
        for index, row in enumerate(rows):
            for prompt in (False, True):
                messages = row["messages"][:-1] if prompt else row["messages"]
                record = {"t": name, "row": index, "prompt": prompt}
                try:
                    text = render_template(source, messages, None, {}, tokens, prompt).encode("utf-8")
                    record["bytes"] = len(text)
                    record["fnv"] = fnv1a64(text)
                except Exception as e:
                    record["error"] = error_record(e)
                records.append(record)
    return records


def write(name, records):
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", encoding="utf-8") as f:
        for record in records:
            # Key order is kept: templates see dicts in insertion order.
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{name}: {len(records)} records, {(OUT / name).stat().st_size} bytes "
          f"({sum('error' in r for r in records)} errors)")


if __name__ == "__main__":
    print(f"transformers {transformers.__version__}, jinja2 {jinja2.__version__}")
    write("templates.golden.jsonl", template_goldens())
    write("synthetic.golden.jsonl", synthetic_goldens())
    write("bulk.golden.jsonl", bulk_goldens())
