"""Pure parts of the benchmark: percentiles, ratios, goals, table rendering, scripts, profiles.

No timing here: nothing in these tests depends on how fast the machine is.
"""

from __future__ import annotations

import math

import pytest

from bench import profile as prof
from bench.growth import window_ratio
from bench.scripts import (
    HANDOFF_TEXT,
    LADDER_FAILS,
    TOPIC_QUESTIONS,
    Turn,
    answered,
    long_script,
    plan,
    project_script,
    stock_script,
)
from bench.stats import (
    FAIL,
    INFO,
    PASS,
    Figure,
    Goal,
    fmt_value,
    growth,
    latency_summary,
    percentile,
    ratio,
)
from bench.table import render


# --- percentiles ------------------------------------------------------------------------------
def test_percentile_matches_linear_interpolation() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)


def test_percentile_is_order_independent_and_handles_edges() -> None:
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([], 95) == 0.0
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_percentile_agrees_with_numpy() -> None:
    np = pytest.importorskip("numpy")
    values = [0.3, 1.7, 2.2, 9.1, 4.4, 4.4, 0.01, 12.0]
    for p in (1, 50, 90, 95, 99):
        assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_latency_summary_reports_ms_and_rate() -> None:
    s = latency_summary([0.1] * 9 + [1.0], errors=2, wall_s=2.0)
    assert s["messages"] == 10 and s["errors"] == 2
    assert s["msg_per_s"] == 5.0
    assert s["p50_ms"] == pytest.approx(100.0)
    assert s["p99_ms"] > s["p95_ms"] >= s["p50_ms"]


# --- ratios and goals -------------------------------------------------------------------------
def test_ratio_and_growth() -> None:
    assert ratio(3, 2) == 1.5
    assert ratio(1, 0) is None and ratio(None, 2) is None
    assert growth(100, 110) == pytest.approx(0.10)
    assert growth(None, 1) is None


@pytest.mark.parametrize(
    "op,threshold,value,expected",
    [
        (">=", 1.5, 1.5, PASS),
        (">=", 1.5, 1.49, FAIL),
        ("<=", 1.0, 0.99, PASS),
        ("<=", 1.0, 1.01, FAIL),
        ("<", 0.10, 0.10, FAIL),
        ("<", 300, 299.9, PASS),
        (">", 0, 0, FAIL),
        ("<=", 0, 0, PASS),
    ],
)
def test_goal_check(op: str, threshold: float, value: float, expected: str) -> None:
    assert Goal(op, threshold).check(value) == expected


def test_missing_value_fails_a_goal_and_no_goal_is_info() -> None:
    assert Goal(">=", 1.5).check(None) == FAIL
    assert Goal(">=", 1.5).check(math.nan) == FAIL
    assert Figure("load", "x", None, goal=Goal(">=", 1)).status == FAIL
    assert Figure("load", "x", 3.0).status == INFO


def test_figure_status_follows_goal() -> None:
    f = Figure("load", "c=10 throughput", 1.7, "x", Goal(">=", 1.5, "≥ 1.5× stock"))
    assert f.status == PASS
    assert f.as_dict()["goal"] == "≥ 1.5× stock"


# --- table ------------------------------------------------------------------------------------
def test_render_table_lists_every_figure_with_goal_and_status() -> None:
    figs = [
        Figure("load", "c=10 throughput project/stock", 1.6, "x", Goal(">=", 1.5, "≥ 1.5× stock")),
        Figure("memory", "rasa RSS", 812.34, "MB", Goal("<", 1536, "< 1.5 GB")),
        Figure("memory", "actions growth", 0.25, "%", Goal("<", 0.1, "< 10 %")),
        Figure("quality", "pipe | name", None, note="a|b"),
    ]
    md = render(figs, title="Benchmark", notes=["a note"])
    lines = md.splitlines()
    assert lines[0] == "# Benchmark"
    header = next(i for i, line in enumerate(lines) if line.startswith("| Section"))
    assert lines[header + 1] == "|---|---|---|---|---|---|"
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| Section")]
    assert len(rows) == 4
    assert all(r.count(" | ") == 5 for r in rows)  # pipes inside cells are escaped
    assert "1.60×" in rows[0] and "PASS" in rows[0]
    assert "812.3 MB" in rows[1]
    assert "25.0 %" in rows[2] and "FAIL" in rows[2]
    assert "n/a" in rows[3] and "info" in rows[3]
    assert "PASS 2 · FAIL 1 · info 1" in md
    assert "- a note" in md


def test_fmt_value() -> None:
    assert fmt_value(None) == "n/a"
    assert fmt_value(0.0512, "%") == "5.1 %"
    assert fmt_value(2.0, "x") == "2.00×"
    assert fmt_value(0, "") == "0"
    assert fmt_value(0.91234) == "0.912"


# --- conversation scripts ---------------------------------------------------------------------
def test_project_script_walks_the_ladder_and_hands_off() -> None:
    script = project_script(3)
    texts = [t.text for t in script]
    assert len(script) == 5 and all(t.answer_due for t in script)
    assert texts[0] == "hallo"
    assert texts[1] in TOPIC_QUESTIONS
    assert texts[2] == texts[3] == LADDER_FAILS
    assert texts[4] == HANDOFF_TEXT
    assert {project_script(n)[1].text for n in range(len(TOPIC_QUESTIONS))} == set(TOPIC_QUESTIONS)


def test_stock_script_has_the_same_length() -> None:
    for n in range(6):
        assert len(stock_script(n)) == len(project_script(n))


def test_long_script_repeats_topic_questions_in_cycles() -> None:
    script = long_script(50)
    k = len(TOPIC_QUESTIONS)
    assert len(script) == 50
    assert {t.text for t in script[:k]} == {t.text for t in script[-k:]} == set(TOPIC_QUESTIONS)


def test_answered() -> None:
    due = Turn("hallo")
    assert answered(due, [{"recipient_id": "x", "text": "Goedemorgen"}])
    assert answered(due, [{"recipient_id": "x", "buttons": [{"title": "a"}]}])
    assert not answered(due, [])
    assert not answered(due, [{"recipient_id": "x"}])
    assert not answered(due, {"error": "x"})
    assert answered(Turn("stil", answer_due=False), [])


def test_plan_gives_every_worker_a_conversation() -> None:
    assert plan(500, 5, 10) == 100
    assert plan(20, 5, 50) == 50
    with pytest.raises(ValueError):
        plan(10, 0, 1)


def test_window_ratio_ignores_errors() -> None:
    convs = [[0.1, 0.1, 0.2, 0.2], [0.1, math.nan, 0.2, 0.2]]
    r = window_ratio(convs, 2)
    assert r["first_ms"] == pytest.approx(100.0)
    assert r["last_ms"] == pytest.approx(200.0)
    assert r["ratio"] == pytest.approx(2.0)


# --- profiles ---------------------------------------------------------------------------------
SERVE = "serve (sanic/server/runners.py:1)"
HANDLE = "handle (rasa/core/processor.py:10)"
COLLAPSED = (
    "\n".join(
        [
            f"{SERVE} 50",
            (
                f"{SERVE};{HANDLE};save (/x/site-packages/rasa/core/tracker_store.py:1333);"
                "commit (sqlalchemy/orm/session.py:5) 30"
            ),
            f"{SERVE};{HANDLE};process (rasa/nlu/classifiers/lr.py:3) 20",
        ]
    )
    + "\n"
)


def test_profile_summary_counts_areas_and_inclusive_shares() -> None:
    stacks = prof.parse_collapsed(COLLAPSED + "garbage line\n")
    assert len(stacks) == 3
    s = prof.summarise(stacks)
    assert s["samples"] == 100
    assert s["areas"]["idle (event loop waiting)"] == 0.5
    assert s["areas"]["sqlite / SQLAlchemy (tracker store)"] == 0.3
    assert s["areas"]["NLU (spaCy, featurizers, classifier)"] == 0.2
    top = dict(s["top_inclusive"])
    assert top["handle (rasa/core/processor.py)"] == 0.5
    assert top["save (rasa/core/tracker_store.py)"] == 0.3  # site-packages prefix and line dropped


def test_median_of_rounds_is_not_moved_by_one_noisy_round() -> None:
    from bench.stats import median_of_rounds

    rounds = [latency_summary([0.1] * 10, 0, 1.0), latency_summary([0.1] * 10, 1, 2.0),
              latency_summary([0.3] * 10, 0, 1.1)]
    merged = median_of_rounds(rounds)
    assert merged["msg_per_s"] == round(10 / 1.1, 3)  # 10, 5 and 9.1 msg/s: the middle one
    assert merged["p95_ms"] == 100.0
    assert merged["messages"] == 30 and merged["errors"] == 1
    assert merged["round_msg_per_s"] == [10.0, 5.0, round(10 / 1.1, 3)]
    with pytest.raises(ValueError):
        median_of_rounds([])
