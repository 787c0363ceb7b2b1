"""The one door to Rasa's internals holds: the installed Rasa is the release the patches were
written for, and every upstream function a patch wraps still has the source it was written for."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import rasa_compat

ROOT = Path(__file__).resolve().parents[2]


def test_installed_rasa_is_the_release_the_patches_were_written_for() -> None:
    import rasa

    assert rasa.__version__ == rasa_compat.WRITTEN_FOR
    rasa_compat.check_version()


def test_every_patched_upstream_function_is_unchanged() -> None:
    # In a fresh interpreter, so no patch applied by another test hides the original.
    out = subprocess.run(
        [sys.executable, "-c", "from bot.rasa_compat import changed_upstream as c; print(c())"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_fingerprint_sees_through_an_applied_patch(undo_rasa_patches) -> None:
    rasa_compat.apply()
    assert rasa_compat.changed_upstream() == []


def test_another_rasa_release_is_refused(monkeypatch, undo_rasa_patches) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(rasa_compat.UnsupportedRasa):
        rasa_compat.apply()


def test_the_fixture_undoes_every_patch(undo_rasa_patches) -> None:
    """What the fixture restores is what apply() changes (checked in its own interpreter)."""
    code = ("from rasa.core.actions.action import RemoteAction as R; "
            "from rasa.shared.core.trackers import DialogueStateTracker as D; "
            "from rasa.core.tracker_store import FailSafeTrackerStore as F; "
            "from rasa.engine.runner.dask import DaskGraphRunner as G; "
            "names = ['_validate_action_result', '_action_call_format']; "
            "before = [R.__dict__[n] for n in names] + [D.__dict__['copy'], "
            "F.__dict__['on_tracker_store_error'], F.__dict__['on_tracker_store_retrieve_error'], "
            "G.__dict__['run']]; "
            "from bot import rasa_compat; rasa_compat.apply(); "
            "after = [R.__dict__[n] for n in names] + [D.__dict__['copy'], "
            "F.__dict__['on_tracker_store_error'], F.__dict__['on_tracker_store_retrieve_error'], "
            "G.__dict__['run']]; "
            "print(all(a is not b for a, b in zip(before, after)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "True", out.stderr[-1500:]


def test_the_graph_runs_as_dask_ran_it() -> None:
    """`run_graph` (instead of dask's scheduler) gives dask's results on a graph shaped like
    Rasa's: inputs as `(name, value)`, a shared parent, a name that is not a node, and an error
    that propagates unchanged."""
    import dask

    from bot.rasa_compat.patches import run_graph

    calls = []

    def node(name):
        def run(*inputs):
            calls.append(name)
            return name, [i if isinstance(i, str) else i[1] for i in inputs]
        return run

    graph = {
        "__message__": ("__message__", ["hallo"]),
        "__tracker__": ("__tracker__", {"sender": "x"}),
        "tokenizer": (node("tokenizer"), "__message__"),
        "featurizer": (node("featurizer"), "tokenizer"),
        "classifier": (node("classifier"), "featurizer", "tokenizer"),
        "policy": (node("policy"), "classifier", "__tracker__", "not_a_node"),
        "unused": (node("unused"), "policy"),
    }
    targets = ["policy", "classifier"]
    expected = dask.get(graph, targets)
    calls.clear()
    assert run_graph(graph, targets) == list(expected)
    assert sorted(calls) == ["classifier", "featurizer", "policy", "tokenizer"]  # each once

    def broken(*_inputs):
        raise ValueError("stuk")

    graph["policy"] = (broken, "classifier")
    for run in (dask.get, run_graph):
        with pytest.raises(ValueError, match="stuk"):
            run(graph, targets)


def test_the_patched_runner_predicts_with_the_real_model_as_before(undo_rasa_patches,
                                                                   tmp_path) -> None:
    """The trained model answers the same parse and prediction with and without the patch."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    from bot.rasa_compat import patches

    model = ROOT / "models" / "assistant.tar.gz"
    if not model.exists():
        pytest.skip("no trained model")
    agent = Agent.load(str(model))

    async def both() -> list:
        out = []
        for text in ("hallo", "ik kan mijn huis niet meer schoonmaken", "dat lukt niet"):
            parsed = await agent.parse_message(text)
            out.append((parsed["intent"], parsed.get("intent_ranking")))
            message = UserMessage(text, sender_id="graph-check")
            tracker = await agent.processor.fetch_tracker_with_initial_session(
                "graph-check", message.output_channel)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            out.append((prediction.max_confidence_index, prediction.policy_name,
                        list(prediction.probabilities)))
        return out

    before = asyncio.run(both())
    patches.run_graphs_without_dask()
    assert asyncio.run(both()) == before
