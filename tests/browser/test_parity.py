"""The app's JavaScript ports against the Python originals, in Chromium: the XPath-subset evaluator,
the form validator and the protocol's canonical JSON must give the same answers."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from peelian.mobile.forms.expr import ExpressionError, Scope, compile_expr
from peelian.mobile.forms.schema import FormSchema
from peelian.mobile.forms.service import builtin_xlsform
from peelian.mobile.forms.validate import CompiledForm
from peelian.mobile.forms.xlsform import parse_xlsform
from peelian.mobile.sync.protocol import canonical_json
from tests.mobile.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

NO_SUSPICION = "${power} = 'cjpoa_s60' or ${power} = 'ta_s47a' or ${power} = 'poa2023_s11'"
F: dict[str, Any] = {
    "a": 4,
    "s": "4",
    "e": "",
    "x": "x",
    "f": 2.5,
    "t": True,
    "m": ["a", "b"],
    "ms": "a  b c",
    "u": "café ☕",
    "d1": "2026-01-01",
    "d2": "2026-02-01",
    "vrm": "AB12 CDE",
    "power": "cjpoa_s60",
    "n": None,
}
CASES: list[tuple[str, Any]] = [
    (e, None)
    for e in [
        "1 + 2",
        "7 div 2",
        "7 mod 3",
        "-7 mod 3",
        "1 div 0",
        "-1 div 0",
        "0 div 0",
        "2 * 3.5",
        "-${a}",
        "- 2 + 5",
        "10 - 2 - 3",
        "2 + 3 * 4",
        "(2 + 3) * 4",
        "${f} + ${f}",
        "${s} + 1",
        "${e} + 1",
        "${x} * 2",
        "${n} + 1",
        "${a} = 4",
        "${s} = 4",
        "${s} = '4'",
        "${a} = '4.0'",
        "${d1} < ${d2}",
        "${d1} >= ${d2}",
        "'abc' < 'abd'",
        "${a} > 3",
        "${x} > 3",
        "${t} = true()",
        "true() = 'x'",
        "false() = ${e}",
        "${e} != ''",
        "${a} != 4",
        "${zz} = ''",
        "selected(${m}, 'b')",
        "selected(${ms}, 'c')",
        "selected(${ms}, 'z')",
        "count-selected(${m})",
        "count-selected(${ms})",
        "string-length(${u})",
        "string-length(${a})",
        "regex(${vrm}, '^[A-Z0-9 ]{2,8}$')",
        "regex('ab12', '^[A-Z0-9 ]{2,8}$')",
        "regex('x', '[')",
        "number('12')",
        "number(' 1e3 ')",
        "number('abc')",
        "number(${t})",
        "string(3.0)",
        "string(1 div 3)",
        "string(0.1 + 0.2)",
        "string(0 div 0)",
        "string(${m})",
        "concat('a', 1, true(), ${m})",
        "if(${a} > 3, 'big', 'small')",
        "if(${e}, 1, 2)",
        "not(${e})",
        "string-length(today()) = 10",
        "${a} > 3 and ${x} = 'x'",
        "${e} or ${a}",
        NO_SUSPICION,
        f"not({NO_SUSPICION})",
        "foo(1)",
        "1 +",
        "${a} $",
        "not(1, 2)",
        "'unclosed",
        "a/b",
        "(1 + 2",
    ]
] + [
    (". >= 1 and . <= 4", 3),
    (". >= 1 and . <= 4", 9),
    (". < today()", "2000-01-01"),
    ("string-length(.) >= 20", "too short"),
    ("regex(., '^[0-9 +]{7,16}$')", "+44 7700 900123"),
    (". > 0 and . < 250", 72.5),
]
PAYLOADS = [
    '{"b": 1, "a": [1.5, 1e-05, 2.5e-7, 3, 0.1, 100000000000000000000, 1e21, -0.0001]}',
    '{"text": "é ☕ \\n \\" \\\\ \\t \\u0001 \\u2028", "none": null, "yes": true}',
    '{"z": {"y": [], "x": {}}, "a": [{"b": 2, "a": 1}]}',
    '{"submission_id": "01a2", "data": {"grounds": "Smelt of cannabis", "speed_mph": 72.5}}',
]


def _python(expr: str, current: Any) -> Any:
    try:
        value = compile_expr(expr).evaluate(Scope([F], current=current))
    except ExpressionError:
        return "<error>"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return value


JS_EVALUATE = """async ([cases, frame]) => {
  const { compileExpr, ExpressionError, Scope } = await import("/app/static/expr.js");
  return cases.map(([text, current]) => {
    try {
      const value = compileExpr(text).evaluate(new Scope([frame], current));
      if (typeof value === "number" && !Number.isFinite(value)) {
        return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
      }
      return value;
    } catch (exc) {
      if (exc instanceof ExpressionError) return "<error>";
      throw exc;
    }
  });
}"""


@pytest.fixture
def page(context: Any, app_server: LiveServer) -> Any:
    """A page on the server's origin that has not started the app."""
    tab = context.new_page()
    tab.goto(app_server.url + "/healthz")
    return tab


class TestExpressionParity:
    def test_every_case_gives_the_same_value_in_javascript_and_python(self, page: Any) -> None:
        got = page.evaluate(JS_EVALUATE, [[list(c) for c in CASES], F])
        mismatches = [
            (expr, current, want, js)
            for (expr, current), js in zip(CASES, got, strict=True)
            if (want := _python(expr, current)) != js
            or isinstance(want, bool) != isinstance(js, bool)
        ]
        assert not mismatches


JS_CANONICAL = """async (texts) => {
  const { canonicalJson } = await import("/app/static/util.js");
  return texts.map((t) => canonicalJson(JSON.parse(t)));
}"""


class TestCanonicalJsonParity:
    def test_payload_bytes_match_the_servers(self, page: Any) -> None:
        got = page.evaluate(JS_CANONICAL, PAYLOADS)
        assert got == [canonical_json(json.loads(t)).decode() for t in PAYLOADS]


JS_VALIDATE = """async ([schema, datasets]) => {
  const { CompiledForm } = await import("/app/static/validate.js");
  const form = new CompiledForm(schema);
  return datasets.map((d) => { const r = form.validate(d); return [r.errors, r.data]; });
}"""
GOOD = {
    "search_datetime": "2026-11-29T10:30:00+00:00",
    "location": "Corn Market",
    "sde": "W1",
    "search_type": "person",
    "power": "pace_s1",
    "grounds": "Seen passing small packages in a doorway",
    "object_of_search": "drugs",
    "officer_id": "PC 4321",
    "outcome": "arrest",
    "outcome_linked": "yes",
    "injury": "no",
    "bwv_used": "yes",
    "receipt_offered": "given",
    "items_found": [{"item_description": "Knife"}, {}],
}
DATASETS = [
    {},
    GOOD,
    {**GOOD, "power": "cjpoa_s60"},
    {**GOOD, "grounds": "short", "vrm": "ab", "search_type": "vehicle", "person_dob": "2999-01-01"},
    {**GOOD, "sde": "ZZ", "search_datetime": "2026-11-29T10:30", "unknown": 1, "injury": "yes"},
    {**GOOD, "outcome": "nfa", "outcome_linked": "no", "geo": "91 0"},
]


class TestValidatorParity:
    def test_errors_and_cleaned_data_match_the_servers(self, page: Any) -> None:
        schema = parse_xlsform(builtin_xlsform("stop_search"), kind="stop_search")
        server = CompiledForm(FormSchema.model_validate(schema.model_dump(mode="json")))
        want = [
            [[list(e) for e in r.errors], r.data]
            for r in (server.validate(json.loads(json.dumps(d))) for d in DATASETS)
        ]
        got = page.evaluate(JS_VALIDATE, [schema.model_dump(mode="json"), DATASETS])
        assert got == want
