"""The retraining gate: the rule, the per-topic report, the switch with a hot load over Rasa's
HTTP API (``PUT /model`` on a loopback server) and the rollback to the previous model."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator, List

import pytest

from evaluation import retrain

LIVE = {"urgent_recall": 1.0, "safety_urgent_recall": 0.95, "topic_accuracy": 0.80,
        "right_first_time": 0.70, "wrong_answer": 0.1,
        "per_topic": {"vervoer": 0.8, "pgb": 0.5}}


def _with(**changes) -> dict:
    return {**LIVE, **changes, "per_topic": {**LIVE["per_topic"], **changes.get("per_topic", {})}}


def test_the_gate_switches_only_when_nothing_that_counts_is_worse() -> None:
    assert retrain.gate(LIVE, _with(topic_accuracy=0.85, per_topic={"pgb": 0.7})) == {
        "switch": True, "worse": []}
    assert retrain.gate(LIVE, LIVE)["switch"]  # not worse is enough
    assert retrain.gate(LIVE, _with(topic_accuracy=0.9, safety_urgent_recall=0.9)) == {
        "switch": False, "worse": ["safety_urgent_recall"]}
    assert retrain.gate(LIVE, _with(right_first_time=0.6))["worse"] == ["right_first_time"]


def test_the_report_shows_every_topic_the_difference_and_the_rule() -> None:
    candidate = _with(per_topic={"pgb": 0.75})
    text = retrain.report(LIVE, candidate, retrain.gate(LIVE, candidate))
    assert "pgb" in text and "+0.25" in text and "vervoer" in text and "+0.00" in text
    assert retrain.RULE in text and "Besluit: overschakelen" in text


@pytest.fixture
def rasa() -> Iterator[List[dict]]:
    """A loopback HTTP server that records the PUT /model calls (Rasa's model endpoint)."""
    calls: List[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append({"path": self.path, **body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    calls.append({"url": f"http://127.0.0.1:{server.server_port}"})
    yield calls
    server.shutdown()


def test_switch_keeps_the_previous_model_hot_loads_and_rolls_back(tmp_path, rasa) -> None:
    url = rasa.pop(0)["url"]
    live, candidate = tmp_path / "assistant.tar.gz", tmp_path / "candidate.tar.gz"
    live.write_bytes(b"live model")
    candidate.write_bytes(b"candidate model")
    result = retrain.switch(candidate, live, url, "s3cret")
    assert result["loaded"] and live.read_bytes() == b"candidate model"
    assert retrain.previous_of(live).read_bytes() == b"live model"
    assert rasa == [{"path": "/model?token=s3cret", "model_file": str(live.resolve())}]
    assert retrain.rollback(live, url, "s3cret")["loaded"]
    assert live.read_bytes() == b"live model" and len(rasa) == 2


def test_a_rasa_server_that_is_down_leaves_the_files_switched_but_says_so(tmp_path) -> None:
    live, candidate = tmp_path / "assistant.tar.gz", tmp_path / "candidate.tar.gz"
    live.write_bytes(b"a")
    candidate.write_bytes(b"b")
    assert retrain.switch(candidate, live, "http://127.0.0.1:9", "")["loaded"] is False
