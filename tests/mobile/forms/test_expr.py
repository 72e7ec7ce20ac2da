"""The XPath subset: what XLSForm expressions in Peelian's forms may use, and what is refused."""

from __future__ import annotations

import pytest

from peelian.mobile.forms.expr import ExpressionError, Scope, compile_expr

SCOPE = Scope([{"age": 20, "power": "cjpoa_s60", "items": "a b", "name": "Smith"}], current=7)


class TestEvaluate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("${age} >= 18 and . < 130", True),
            ("${power} = 'cjpoa_s60' or ${power} = 'ta_s47a'", True),
            ("not(${age} = 20)", False),
            ("selected(${items}, 'b')", True),
            ("count-selected(${items})", 2),
            ("string-length(${name})", 5),
            ("regex(${name}, '^[A-Z][a-z]+$')", True),
            ("-2 + 3 * 4", 10),
            ("7 mod 3", 1),
            ("${age} div 4", 5),
            ("${missing} = ''", True),
            ("'2026-01-01' < '2026-02-01'", True),
            ("if(${age} > 18, 'adult', 'child')", "adult"),
        ],
    )
    def test_supported_expression(self, text: str, expected: object) -> None:
        assert compile_expr(text).evaluate(SCOPE) == expected

    def test_inner_repeat_value_shadows_the_outer_one(self) -> None:
        scope = Scope([{"x": 1}, {"x": 2, "y": 3}])
        assert compile_expr("${x} + ${y}").evaluate(scope) == 4

    def test_references_are_reported(self) -> None:
        assert compile_expr("${a} > ${b}").refs == {"a", "b"}


class TestRefuse:
    @pytest.mark.parametrize(
        "text",
        ["pulldata('x', 'y')", "../sibling", "/data/age > 1", "${a} |", "", "concat(", "1 +"],
    )
    def test_outside_the_subset_is_refused(self, text: str) -> None:
        with pytest.raises(ExpressionError):
            compile_expr(text)

    def test_wrong_number_of_arguments_is_refused(self) -> None:
        with pytest.raises(ExpressionError, match="takes 2"):
            compile_expr("selected(${a})")
