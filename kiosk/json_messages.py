"""What is wrong with a JSON document, said in plain Chinese for an operator.

Python's JSON parser and jsonschema explain problems in English (``Expecting ',' delimiter``,
``'很多' is not of type 'number'``); every message an operator sees names the file and the place
in Chinese, so both are translated here, once, for every reader of JSON (packs, CASE files,
manifests).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_WORDS = {
    "number": "数字",
    "integer": "整数",
    "string": "文字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "对象（{…}）",
    "null": "null",
}


def decode_problem(exc: UnicodeDecodeError | json.JSONDecodeError) -> str:
    """Where and why a file is not readable JSON, e.g. ``第 3 行第 7 列写法有误``."""
    if isinstance(exc, UnicodeDecodeError):
        return f"不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节起读不懂）"
    where = f"第 {exc.lineno} 行第 {exc.colno} 列"
    # Cut off mid-document: the parser stops at the end, or inside a string never closed.
    if exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string"):
        return f"不是完整的 JSON：在{where}突然结束了，文件可能没写完或被截断"
    return f"不是有效的 JSON：{where}写法有误"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def schema_message(error: ValidationError) -> str:
    """One jsonschema error as a plain sentence (the JSON path is said by the caller)."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        wanted = "或".join(_TYPE_WORDS.get(t, t) for t in types)
        return f"应是{wanted}，现在是 {_shown(value)}"
    if kind == "required" and isinstance(value, dict):
        missing = [name for name in expected if name not in value]
        return f"缺少 {'、'.join(missing)}"
    if kind == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(name for name in value if name not in known)
        return f"有不认识的字段 {'、'.join(extra)}" if extra else "有不认识的字段"
    if kind == "enum":
        return f"只能是 {'、'.join(_shown(v) for v in expected)} 之一，现在是 {_shown(value)}"
    if kind == "const":
        return f"只能是 {_shown(expected)}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"不能小于{'或等于' if kind == 'exclusiveMinimum' else ''} {expected}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"不能大于{'或等于' if kind == 'exclusiveMaximum' else ''} {expected}"
    if kind == "minLength":
        return f"至少要有 {expected} 个字"
    if kind == "maxLength":
        return f"最多 {expected} 个字"
    if kind == "minItems":
        return f"至少要有 {expected} 项"
    if kind == "maxItems":
        return f"最多 {expected} 项"
    if kind == "uniqueItems":
        return "有重复的项"
    if kind in ("pattern", "format"):
        return f"格式不对：{_shown(value)}"
    return f"不符合格式要求：{_shown(value)}"
