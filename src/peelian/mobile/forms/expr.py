"""The XPath subset XLSForm expressions use: parsed once at publish, evaluated per submission.

Supported: numbers, strings, ``.``, ``${field}``, ``or and not()``, ``= != < <= > >=``,
``+ - * div mod`` and unary minus, and the functions in FUNCTIONS. Anything else is refused at
publish time with an ExpressionError naming what was not understood.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["FUNCTIONS", "Expr", "ExpressionError", "Scope", "compile_expr", "truthy"]


class ExpressionError(ValueError):
    """An expression uses syntax or a function outside the supported subset."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<ref>\$\{[A-Za-z_][\w.-]*\})"
    r"|(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|(?P<name>[A-Za-z_][\w-]*(?::[\w-]+)?)|(?P<dot>\.))"
)
_KEYWORD_OPS = {"and", "or", "div", "mod"}
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos : pos + 12]!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "name" and value in _KEYWORD_OPS:
            kind = "op"
        tokens.append((kind, value))
        pos = m.end()
    return tokens


class Scope:
    """Where names resolve: the current value for ``.`` and field values, innermost first."""

    def __init__(self, frames: Sequence[Mapping[str, Any]], current: Any = None) -> None:
        self.frames = frames
        self.current = current

    def lookup(self, name: str) -> Any:
        """The value of a field by name, searching the innermost repeat instance first."""
        for frame in self.frames:
            if name in frame:
                return frame[name]
        return ""


Node = Callable[[Scope], Any]


def _num(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip()) if str(value).strip() else math.nan
    except ValueError:
        return math.nan


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return " ".join(_str(v) for v in value)
    return str(value)


def truthy(value: Any) -> bool:
    """XPath boolean(): non-zero numbers, non-empty strings and lists are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, list):
        return bool(value)
    return value not in (None, "")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        a, b = truthy(left), truthy(right)
        return a == b if op == "=" else a != b if op == "!=" else False
    if _is_number(left) or _is_number(right) or op in ("<", "<=", ">", ">="):
        x, y = _num(left), _num(right)
        if math.isnan(x) or math.isnan(y):
            if op in ("=", "!=") or not (isinstance(left, str) and isinstance(right, str)):
                return op == "!=" if (_str(left) != _str(right)) else op == "="
            sx, sy = _str(left), _str(right)  # dates and times compare as ISO strings
            return {"<": sx < sy, "<=": sx <= sy, ">": sx > sy, ">=": sx >= sy}[op]
    else:
        x, y = _str(left), _str(right)  # type: ignore[assignment]
    return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _equality(equal: bool, left: Node, right: Node) -> Node:
    """`=` or `!=`; two strings (the usual case: a choice against a literal) compare directly."""
    op = "=" if equal else "!="

    def node(s: Scope) -> bool:
        a, b = left(s), right(s)
        if type(a) is str and type(b) is str:
            return (a == b) is equal
        return _compare(op, a, b)

    return node


def _selected(values: Any, choice: Any) -> bool:
    items = values if isinstance(values, list) else _str(values).split()
    return _str(choice) in [_str(v) for v in items]


def _regex(value: Any, pattern: Any) -> bool:
    try:
        return re.search(_str(pattern), _str(value)) is not None
    except re.error:
        return False


FUNCTIONS: dict[str, tuple[int, int, Callable[..., Any]]] = {
    "not": (1, 1, lambda v: not truthy(v)),
    "true": (0, 0, lambda: True),
    "false": (0, 0, lambda: False),
    "selected": (2, 2, _selected),
    "count-selected": (1, 1, lambda v: len(v if isinstance(v, list) else _str(v).split())),
    "string-length": (1, 1, lambda v: len(_str(v))),
    "regex": (2, 2, _regex),
    "today": (0, 0, lambda: datetime.now(UTC).date().isoformat()),
    "now": (0, 0, lambda: datetime.now(UTC).isoformat()),
    "number": (1, 1, _num),
    "string": (1, 1, _str),
    "concat": (1, 20, lambda *v: "".join(_str(x) for x in v)),
    "if": (3, 3, lambda c, a, b: a if truthy(c) else b),
}


def _arith(op: str, a: Any, b: Any) -> Any:
    x, y = _num(a), _num(b)
    if op == "+":
        r = x + y
    elif op == "-":
        r = x - y
    elif op == "*":
        r = x * y
    elif op == "div":
        r = x / y if y else (math.nan if x == 0 else math.copysign(math.inf, x))
    else:
        r = math.fmod(x, y) if y else math.nan
    return int(r) if not math.isnan(r) and not math.isinf(r) and r.is_integer() else r


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.refs: set[str] = set()

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("the expression ends too early")
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value:
            raise ExpressionError(f"expected {value!r}, found {tok[1]!r}")

    def parse(self, min_prec: int = 0) -> Node:
        left = self.primary()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in _PRECEDENCE:
            prec = _PRECEDENCE[tok[1]]
            if prec <= min_prec:
                break
            self.pos += 1
            left = self._binary(tok[1], left, self.parse(prec))
        return left

    @staticmethod
    def _binary(op: str, left: Node, right: Node) -> Node:
        if op == "or":
            return lambda s: truthy(left(s)) or truthy(right(s))
        if op == "and":
            return lambda s: truthy(left(s)) and truthy(right(s))
        if op in ("=", "!="):
            return _equality(op == "=", left, right)
        if op in ("<", "<=", ">", ">="):
            return lambda s: _compare(op, left(s), right(s))
        return lambda s: _arith(op, left(s), right(s))

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            number = float(value) if "." in value else int(value)
            return lambda s: number
        if kind == "str":
            literal = value[1:-1]
            return lambda s: literal
        if kind == "dot":
            return lambda s: s.current
        if kind == "ref":
            name = value[2:-1]
            self.refs.add(name)
            return lambda s: s.lookup(name)
        if kind == "op" and value == "-":
            inner = self.parse(6)
            return lambda s: -_num(inner(s))
        if kind == "op" and value == "(":
            inner = self.parse()
            self.expect(")")
            return inner
        if kind == "name":
            return self.call(value)
        raise ExpressionError(f"unexpected {value!r}")

    def call(self, name: str) -> Node:
        if name not in FUNCTIONS:
            raise ExpressionError(f"the function or path {name!r} is not supported")
        low, high, fn = FUNCTIONS[name]
        self.expect("(")
        args: list[Node] = []
        if (tok := self.peek()) is not None and tok[1] != ")":
            args.append(self.parse())
            while (tok := self.peek()) is not None and tok[1] == ",":
                self.pos += 1
                args.append(self.parse())
        self.expect(")")
        if not low <= len(args) <= high:
            raise ExpressionError(f"{name}() takes {low}–{high} arguments, not {len(args)}")
        if len(args) == 1:
            (only,) = args
            return lambda s: fn(only(s))
        return lambda s: fn(*[a(s) for a in args])


@dataclass(frozen=True)
class Expr:
    """A compiled expression with the field names it refers to."""

    source: str
    refs: frozenset[str]
    _node: Node

    def evaluate(self, scope: Scope) -> Any:
        """Evaluate against the scope."""
        return self._node(scope)

    def test(self, scope: Scope) -> bool:
        """Evaluate as a boolean."""
        return truthy(self._node(scope))


def compile_expr(text: str) -> Expr:
    """Parse an expression, or raise ExpressionError saying what is outside the subset."""
    parser = _Parser(text)
    if not parser.tokens:
        raise ExpressionError("the expression is empty")
    node = parser.parse()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return Expr(text, frozenset(parser.refs), node)
