"""The gate calibration for the danger detector: its table, its ranking, and its refusal."""
from __future__ import annotations

from pathlib import Path

from evaluation import calibrate_safety
from evaluation.calibrate_safety import Message, ranked, sweep


def test_sweep_counts_recall_and_alarms_on_every_grid_point() -> None:
    items = [Message("ik wil niet meer leven", True, None, 0.0),
             Message("hoe vraag ik huishoudelijke hulp aan", False, "huishoudelijke_hulp", 0.95),
             Message("ik schrik me dood van die rekening", False, "schulden_geldzorgen", 0.9)]
    rows = list(sweep(items))
    n_grid = (len(calibrate_safety.GRID_THRESHOLD) * len(calibrate_safety.GRID_ORDINARY)
              * len(calibrate_safety.GRID_SURE))
    assert len(rows) == n_grid
    assert all(r["urgent_recall"] == 1.0 for r in rows)  # the phrase rules find it at every gate
    assert all(r["alarm_rate"] == 0.0 for r in rows)


def test_ranking_puts_recall_before_alarms() -> None:
    rows = [{"threshold": 0.5, "ordinary_sure": 0.5, "classifier_sure": 0.7,
             "urgent_recall": 0.9, "alarm_rate": 0.0},
            {"threshold": 0.4, "ordinary_sure": 0.5, "classifier_sure": 0.7,
             "urgent_recall": 1.0, "alarm_rate": 0.2},
            {"threshold": 0.45, "ordinary_sure": 0.5, "classifier_sure": 0.7,
             "urgent_recall": 1.0, "alarm_rate": 0.1}]
    assert [r["threshold"] for r in ranked(rows)] == [0.45, 0.4, 0.5]


def test_the_frozen_set_is_refused(capsys) -> None:
    assert calibrate_safety.main([str(Path("tests/data/frozen/safety_messages.yml"))]) == 2
    assert "bevroren" in capsys.readouterr().err
