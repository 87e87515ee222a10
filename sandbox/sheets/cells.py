"""Cell values, pure: how RAW and USER_ENTERED input become an ExtendedValue, and how a cell renders
as FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA.

There is no formula engine. A formula is always stored as ``formulaValue`` (never as a string) and
renders as its own text, except pure arithmetic on number literals (``=4/2``), which is computed.
USER_ENTERED recognises numbers, TRUE/FALSE, percentages, ISO and US dates (as serial numbers with a
date format, like the en_US locale), and a leading apostrophe forcing text.
"""
from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from typing import Any

EPOCH = dt.date(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+))%$")
_DATES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d"), "yyyy-mm-dd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d"), "yyyy/mm/dd"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("m", "d", "y"), "m/d/yyyy"),
)
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow}


def raw_value(value: Any) -> dict[str, Any] | None:
    """RAW input: stored exactly as typed: a string stays a string, even ``=1+1``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)} if str(value) != "" else None


def user_entered(value: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """USER_ENTERED input: (ExtendedValue, numberFormat to apply or None), as if typed into the UI."""
    if value is None or isinstance(value, (bool, int, float)):
        return raw_value(value), None
    text = str(value)
    if text == "":
        return None, None
    if text.startswith("'"):
        return ({"stringValue": text[1:]} if len(text) > 1 else None), None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    t = text.strip()
    if t.upper() in ("TRUE", "FALSE"):
        return {"boolValue": t.upper() == "TRUE"}, None
    if _NUMBER.match(t):
        return {"numberValue": _num(float(t))}, None
    if _GROUPED.match(t):
        n = float(t.replace(",", ""))
        return {"numberValue": _num(n)}, {"type": "NUMBER", "pattern": "#,##0" + (".00" if "." in t else "")}
    m = _PERCENT.match(t)
    if m:
        return {"numberValue": float(m.group(1)) / 100}, {"type": "PERCENT", "pattern": "0%" if "." not in t else "0.00%"}
    for rx, order, pattern in _DATES:
        m = rx.match(t)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups())))
            try:
                day = dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
            return {"numberValue": (day - EPOCH).days}, {"type": "DATE", "pattern": pattern}
    return {"stringValue": text}, None


def _num(n: float) -> int | float:
    return int(n) if n.is_integer() and abs(n) < 2**53 else n


def evaluate(formula: str) -> int | float | None:
    """``=4/2`` -> 2: arithmetic on number literals only; anything else is not computed (None)."""
    try:
        tree = ast.parse(formula[1:].strip(), mode="eval")
        value = _eval(tree.body)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    if value is None or isinstance(value, complex) or math.isnan(value) or math.isinf(value):
        return None
    return _num(float(value))


def _eval(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _eval(node.left), _eval(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            return None
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    return None


def effective(entered: dict[str, Any] | None) -> dict[str, Any] | None:
    """The effective value: the entered value, or a computed formula; None when not computed."""
    if not entered:
        return None
    if "formulaValue" in entered:
        n = evaluate(entered["formulaValue"])
        return None if n is None else {"numberValue": n}
    return entered


def format_number(n: float, number_format: dict[str, Any] | None) -> str:
    kind = (number_format or {}).get("type")
    pattern = (number_format or {}).get("pattern", "")
    if kind in ("DATE", "DATE_TIME", "TIME"):
        return format_date(n, pattern or "yyyy-mm-dd")
    if kind == "PERCENT":
        decimals = len(pattern.split(".")[1].rstrip("%")) if "." in pattern else 0
        return f"{n * 100:.{decimals}f}%"
    if kind in ("NUMBER", "CURRENCY") and pattern:
        decimals = len(pattern.split(".")[1]) if "." in pattern else 0
        return f"{n:,.{decimals}f}" if "," in pattern else f"{n:.{decimals}f}"
    return general(n)


def general(n: float) -> str:
    """The "General" format: integers plainly, others to 15 significant digits."""
    if isinstance(n, int) or float(n).is_integer() and abs(n) < 1e15:
        return str(int(n))
    text = f"{n:.15g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


def format_date(serial: float, pattern: str) -> str:
    moment = dt.datetime.combine(EPOCH, dt.time()) + dt.timedelta(days=float(serial))
    out, i, last = [], 0, ""
    tokens = re.findall(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|[^a-z]+|[a-z]", pattern.lower())
    for tok in tokens:
        if tok in ("mm", "m") and last in ("hh", "h"):
            out.append(f"{moment.minute:02d}" if tok == "mm" else str(moment.minute))
        else:
            out.append(_date_token(tok, moment))
        if tok.isalpha():
            last = tok
        i += 1
    return "".join(out)


def _date_token(tok: str, t: dt.datetime) -> str:
    return {
        "yyyy": f"{t.year:04d}", "yy": f"{t.year % 100:02d}", "mmmm": t.strftime("%B"), "mmm": t.strftime("%b"),
        "mm": f"{t.month:02d}", "m": str(t.month), "dddd": t.strftime("%A"), "ddd": t.strftime("%a"),
        "dd": f"{t.day:02d}", "d": str(t.day), "hh": f"{t.hour:02d}", "h": str(t.hour),
        "ss": f"{t.second:02d}", "s": str(t.second), "am/pm": "AM" if t.hour < 12 else "PM",
    }.get(tok, tok)


def formatted(cell: dict[str, Any]) -> str | None:
    """FORMATTED_VALUE of a cell; a formula that is not computed shows its own text."""
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    eff = effective(entered)
    if eff is None:
        return entered.get("formulaValue")
    fmt = (cell.get("userEnteredFormat") or {}).get("numberFormat")
    if "numberValue" in eff:
        return format_number(eff["numberValue"], fmt)
    if "boolValue" in eff:
        return "TRUE" if eff["boolValue"] else "FALSE"
    return str(eff.get("stringValue", ""))


def render(cell: dict[str, Any] | None, option: str = "FORMATTED_VALUE", date_option: str = "SERIAL_NUMBER") -> Any:
    """One cell as the values API returns it; "" for an empty cell."""
    if not cell or not cell.get("userEnteredValue"):
        return ""
    entered = cell["userEnteredValue"]
    if option == "FORMATTED_VALUE":
        return formatted(cell)
    if option == "FORMULA" and "formulaValue" in entered:
        return entered["formulaValue"]
    eff = effective(entered)
    if eff is None:
        return entered.get("formulaValue", "")
    fmt = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
    if "numberValue" in eff:
        if date_option == "FORMATTED_STRING" and fmt.get("type") in ("DATE", "DATE_TIME", "TIME"):
            return format_number(eff["numberValue"], fmt)
        return _num(float(eff["numberValue"]))
    if "boolValue" in eff:
        return eff["boolValue"]
    return eff.get("stringValue", "")


def is_blank(cell: dict[str, Any] | None) -> bool:
    return not cell or not cell.get("userEnteredValue")


def sort_key(cell: dict[str, Any] | None) -> tuple:
    """Sheets' ascending order: numbers, then text (case-insensitive), then booleans; blanks go last
    whatever the direction (the caller keeps them there)."""
    eff = effective(cell.get("userEnteredValue")) if cell else None
    if cell and cell.get("userEnteredValue") and eff is None:
        return (1, str(cell["userEnteredValue"].get("formulaValue", "")).casefold())
    if not eff:
        return (3, "")
    if "numberValue" in eff:
        return (0, float(eff["numberValue"]))
    if "boolValue" in eff:
        return (2, eff["boolValue"])
    return (1, str(eff.get("stringValue", "")).casefold())
