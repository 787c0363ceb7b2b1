"""Secret-token check and duplicate-update guard."""

from __future__ import annotations

from channels.telegram.guard import RecentUpdates, secret_matches


def test_secret_must_match_exactly() -> None:
    assert secret_matches("s3cr3t_-", "s3cr3t_-")
    assert not secret_matches("s3cr3t_-", "s3cr3t")
    assert not secret_matches("s3cr3t_-", None)


def test_empty_expected_secret_never_matches() -> None:
    assert not secret_matches("", "")
    assert not secret_matches("", None)


def test_repeat_is_refused_once_seen() -> None:
    recent = RecentUpdates()
    assert recent.first_time(10)
    assert not recent.first_time(10)
    assert recent.first_time(11)


def test_memory_is_bounded() -> None:
    recent = RecentUpdates(capacity=3)
    for update_id in range(5):
        assert recent.first_time(update_id)
    assert recent.first_time(0)  # forgotten: capacity reached
    assert not recent.first_time(4)
