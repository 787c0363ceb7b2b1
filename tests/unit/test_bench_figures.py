"""From raw benchmark results to table rows: goals and ratios (pure, no servers, no timing)."""

from __future__ import annotations

from bench.cli import growth_figures, load_figures, memory_figures, startup_figures
from bench.quality import figures as quality_figures
from bench.quality import mean_dicts
from bench.stats import FAIL, INFO, PASS


def _level(rate: float, p95: float, errors: int = 0) -> dict:
    return {
        "messages": 100,
        "errors": errors,
        "msg_per_s": rate,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 1.2,
        "timed_out": False,
        "error_samples": ["HTTP 500"] if errors else [],
    }


def _by_name(rows):
    return {r.name: r for r in rows}


def test_load_figures_compare_against_stock() -> None:
    project = {1: _level(10, 80), 10: _level(30, 300), 50: _level(20, 900, errors=2)}
    stock = {1: _level(20, 50), 10: _level(20, 400), 50: _level(20, 800)}
    raw = {"load": {"project": project, "stock": stock}}
    rows = _by_name(load_figures(raw))
    assert rows["c=10 throughput project/stock"].value == 1.5
    assert rows["c=10 throughput project/stock"].status == PASS
    assert rows["c=50 throughput project/stock"].status == FAIL
    assert rows["c=1 throughput project/stock"].status == INFO  # no goal at concurrency 1
    assert rows["c=10 p95 project/stock"].status == PASS
    assert rows["c=50 p95 project/stock"].status == FAIL
    assert rows["c=50 errors (project)"].status == FAIL
    assert "HTTP 500" in rows["c=50 errors (project)"].note
    assert rows["c=1 errors (project)"].status == PASS


def test_memory_figures_limits_and_growth() -> None:
    raw = {
        "settings": {"warmup_messages": 50},
        "memory": {
            "start": {"rasa": 700.0, "actions": 100.0},
            "warm": {"rasa": 760.0, "actions": 150.0},
            "end": {"rasa": 800.0, "actions": 160.0},
            "messages": 10000,
        },
    }
    rows = _by_name(memory_figures(raw))
    assert rows["rasa server RSS after 10000 msgs"].status == PASS
    assert rows["actions server RSS after 10000 msgs"].status == PASS
    assert rows["rasa growth since start-up"].status == FAIL  # 14 %
    assert rows["rasa growth since warm-up"].status == PASS  # 5 %
    assert rows["actions growth since start-up"].status == FAIL


def test_growth_and_startup_figures() -> None:
    raw = {
        "growth": {
            "tracker": {"first_ms": 50.0, "last_ms": 55.0, "ratio": 1.1},
            "catalogue": {
                "50": {"search_ms": 1.0, "answer_ms": 2.0, "build_s": 0.1},
                "5000": {"search_ms": 3.0, "answer_ms": 2.2, "build_s": 5.0},
            },
            "catalogue_stack": {
                "50": {"answer_ms": 20.0, "messages": 80, "errors": 0},
                "5000": {"answer_ms": 25.0, "messages": 80, "errors": 0},
            },
        },
        "startup": {"project_s": 20.0, "stock_s": 40.0, "project_train_s": 60, "stock_train_s": 90},
    }
    rows = _by_name(growth_figures(raw))
    assert rows["tracker: last 8 / first 8 msgs of a 50-msg conversation"].status == PASS
    assert rows["catalogue: answer latency over the stack, 5000 / 50 entries"].status == FAIL
    assert rows["catalogue: answer latency over the stack, 5000 / 50 entries"].value == 1.25
    assert rows["catalogue search in-process: 5000 / 50 entries"].status == INFO
    assert rows["catalogue answer (decide) in-process: 5000 / 50 entries"].value == 1.1
    st = _by_name(startup_figures(raw))
    assert st["start until first answer project/stock"].value == 0.5
    assert st["full rasa train project/stock"].status == INFO


def test_quality_rows_compare_project_with_the_best_other() -> None:
    def m(acc: float) -> dict:
        return {
            "n": 10,
            "topic_accuracy": acc,
            "topic_macro_f1": acc,
            "out_of_scope_recall": 1.0,
            "urgent_recall": None,
        }

    results = {
        "folds": 5,
        "cv_diet_epochs": 30,
        "contenders": {
            "project": {"dev": m(0.8), "cv": m(0.9)},
            "stock": {"dev": m(0.7), "cv": m(0.95)},
            "tfidf": {"dev": m(0.75), "cv": m(0.85)},
        },
    }
    rows = _by_name(quality_figures(results))
    assert rows["dev_questions topic_accuracy (project)"].status == PASS
    assert rows["cross-val topic_accuracy (project)"].status == FAIL
    assert "30 epochs" in rows["cross-val topic_accuracy (project)"].note
    assert rows["cross-val urgent_recall"].status == INFO


def test_mean_dicts_skips_missing() -> None:
    out = mean_dicts([{"n": 5, "a": 0.5, "b": None}, {"n": 5, "a": 1.0, "b": None}])
    assert out == {"n": 10, "a": 0.75, "b": None}


def test_safety_rows_carry_the_issue_goals() -> None:
    results = {"contenders": {}, "safety": {"frozen": {
        "urgent_recall": 0.97, "near_miss_alarm_rate": 0.2, "per_kind_recall": {"suicide": 1.0}}}}
    rows = _by_name(quality_figures(results))
    assert rows["safety messages frozen urgent recall"].status == FAIL
    assert rows["safety messages frozen close-call alarm rate"].status == FAIL
    assert rows["safety messages frozen recall suicide"].status == INFO


def test_handoff_rows_per_kind_of_case_and_per_reason() -> None:
    results = {"contenders": {}, "handoff_by_kind": {"frozen": {
        "recall_per_topic": {"schulden_geldzorgen": {"n": 4, "recall": 0.75}},
        "precision_per_reason": {"dreigende schulden": {"n": 5, "precision": 0.8}}}}}
    rows = _by_name(quality_figures(results))
    assert rows["frozen test handoff recall schulden_geldzorgen"].value == 0.75
    assert rows["frozen test handoff precision 'dreigende schulden'"].note == "n=5"


def test_cluster_rows_compare_one_replica_with_two_in_the_same_run() -> None:
    from bench.cluster import figures as cluster_figures

    res = lambda rate: {"msg_per_s": rate, "p95_ms": 900.0, "errors": 0}  # noqa: E731
    raw = {"cluster": {"one": {10: res(20.0), 50: res(16.0)}, "two": {10: res(22.0), 50: res(24.0)},
                       "memory_mb": {"rasa1": 850.0, "haproxy": 15.0}, "start_s": 95.0}}
    rows = _by_name(cluster_figures(raw))
    assert rows["one replica c=10 msg/s"].value == 20.0
    assert rows["two / one replica c=50 throughput"].value == 1.5
    assert rows["memory rasa1 (MB)"].value == 850.0
    assert rows["start until both replicas answer (s)"].value == 95.0
    assert cluster_figures({}) == []


def test_load_figures_per_store_and_from_10_to_50() -> None:
    project = {10: _level(60, 300), 50: _level(62, 900)}
    postgres = {10: _level(50, 300), 50: _level(40, 900)}
    stock = {10: _level(30, 400), 50: _level(30, 1000)}
    raw = {"load": {"project": project, "project_postgres": postgres, "stock": stock}}
    rows = _by_name(load_figures(raw))
    assert rows["c=50 throughput project/stock"].status == PASS  # 2.07x: the 2x goal of issue 21
    assert rows["c=50 throughput project-pg/stock"].status == FAIL  # 1.33x
    assert rows["throughput c=50 / c=10 (project)"].status == PASS
    assert rows["throughput c=50 / c=10 (project-pg)"].status == FAIL
    assert "c=10 errors (project-pg)" in rows and "c=10 errors (stock)" in rows
