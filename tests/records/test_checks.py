"""The person-check rules as a table: flags → RED / AMBER / GREEN with reasons, safety first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peelian.records.checks import Colour, FlagFacts, assess, curfew_in_force, is_current
from peelian.records.codes import FlagKind

pytestmark = pytest.mark.unit

# 14:00 UTC in winter is 14:00 in London; 23:30 UTC is inside an overnight curfew.
NOON = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
LATER = NOON + timedelta(days=30)
EARLIER = NOON - timedelta(days=1)

MARKER_VIOLENT = FlagFacts(FlagKind.MARKER, "violent")
MARKER_DRUGS = FlagFacts(FlagKind.MARKER, "drugs")
WANTED = FlagFacts(FlagKind.WANTED, details={"offence": "Robbery"})
FTA = FlagFacts(FlagKind.FTA_WARRANT, details={"court": "Leeds Magistrates' Court"})
RECALL = FlagFacts(FlagKind.RECALL)
BAIL = FlagFacts(FlagKind.BAIL, expires_at=LATER, details={"bail_type": "police"})
BAIL_CURFEW = FlagFacts(
    FlagKind.BAIL,
    expires_at=LATER,
    details={"bail_type": "court", "curfew": {"start": "19:00", "end": "07:00"}},
)
MISSING = FlagFacts(FlagKind.MISSING)
LICENCE = FlagFacts(FlagKind.LICENCE, details={"conditions": ["Not to enter Leeds"]})
EXPIRED_WANTED = FlagFacts(FlagKind.WANTED, expires_at=EARLIER, details={"offence": "Theft"})
CANCELLED_RECALL = FlagFacts(FlagKind.RECALL, cancelled=True)
FUTURE_BAIL = FlagFacts(FlagKind.BAIL, starts_at=LATER, expires_at=LATER + timedelta(days=9))

TABLE = [
    ("nothing", [], NOON, Colour.GREEN, []),
    ("wanted", [WANTED], NOON, Colour.RED, ["wanted"]),
    ("fta warrant", [FTA], NOON, Colour.RED, ["fta_warrant"]),
    ("recall", [RECALL], NOON, Colour.RED, ["recall"]),
    ("bail, curfew not in force", [BAIL_CURFEW], NOON, Colour.AMBER, ["bail"]),
    ("bail, curfew in force now", [BAIL_CURFEW], NIGHT, Colour.RED, ["bail"]),
    ("bail without curfew at night", [BAIL], NIGHT, Colour.AMBER, ["bail"]),
    ("marker", [MARKER_DRUGS], NOON, Colour.AMBER, ["marker"]),
    ("missing", [MISSING], NOON, Colour.AMBER, ["missing"]),
    ("licence", [LICENCE], NOON, Colour.AMBER, ["licence"]),
    ("wanted and violent: safety first", [WANTED, MARKER_VIOLENT], NOON, Colour.RED,
     ["marker", "wanted"]),
    ("amber before red is re-ordered", [MARKER_DRUGS, RECALL], NOON, Colour.RED,
     ["recall", "marker"]),
    ("expired wanted stops counting", [EXPIRED_WANTED], NOON, Colour.GREEN, []),
    ("cancelled recall stops counting", [CANCELLED_RECALL], NOON, Colour.GREEN, []),
    ("bail not yet started", [FUTURE_BAIL], NOON, Colour.GREEN, []),
    ("expired wanted, current marker", [EXPIRED_WANTED, MARKER_DRUGS], NOON, Colour.AMBER,
     ["marker"]),
]  # fmt: skip


class TestAssess:
    @pytest.mark.parametrize(
        ("flags", "at", "colour", "kinds"),
        [pytest.param(f, a, c, k, id=name) for name, f, a, c, k in TABLE],
    )
    def test_rules_table(
        self, flags: list[FlagFacts], at: datetime, colour: Colour, kinds: list[str]
    ) -> None:
        verdict = assess(flags, at)
        assert verdict.colour is colour
        assert [r.kind.value for r in verdict.reasons] == kinds
        assert all(r.text and r.action for r in verdict.reasons)

    def test_officer_safety_markers_come_first_and_are_marked(self) -> None:
        verdict = assess([MISSING, WANTED, MARKER_VIOLENT], NOON)
        assert verdict.reasons[0].safety is True
        assert verdict.reasons[0].code == "violent"
        assert [r.safety for r in verdict.reasons[1:]] == [False, False]

    def test_non_safety_marker_is_not_a_safety_warning(self) -> None:
        assert assess([MARKER_DRUGS], NOON).reasons[0].safety is False


class TestIsCurrent:
    def test_expiry_in_the_past_stops_counting(self) -> None:
        assert not is_current(FlagFacts(FlagKind.BAIL, expires_at=EARLIER), NOON)

    def test_expiry_in_the_future_counts(self) -> None:
        assert is_current(FlagFacts(FlagKind.BAIL, expires_at=LATER), NOON)

    def test_expiry_at_the_moment_itself_no_longer_counts(self) -> None:
        assert not is_current(FlagFacts(FlagKind.BAIL, expires_at=NOON), NOON)


class TestCurfewInForce:
    @pytest.mark.parametrize(
        ("hour", "minute", "expected"),
        [
            (18, 59, False),
            (19, 0, True),
            (23, 59, True),
            (3, 0, True),
            (6, 59, True),
            (7, 0, False),
        ],
    )
    def test_overnight_curfew_in_london_time(self, hour: int, minute: int, expected: bool) -> None:
        at = datetime(2026, 1, 15, hour, minute, tzinfo=UTC)  # GMT: London time = UTC
        assert curfew_in_force({"curfew": {"start": "19:00", "end": "07:00"}}, at) is expected

    def test_summer_time_is_respected(self) -> None:
        # 18:30 UTC in July is 19:30 BST: inside a 19:00 curfew.
        at = datetime(2026, 7, 15, 18, 30, tzinfo=UTC)
        assert curfew_in_force({"curfew": {"start": "19:00", "end": "07:00"}}, at)

    def test_no_curfew_is_never_in_force(self) -> None:
        assert not curfew_in_force({}, NIGHT)
