"""scripts/audit.py's Lighthouse step: one retry after a failed run, a clear stop after two."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture
def audit(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("newsroom_audit_script", SCRIPTS / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(score=1.0):
    return {"categories": {name: {"score": score, "auditRefs": []} for name in ("performance", "accessibility", "best-practices", "seo")},
            "audits": {}}


def fake_lighthouse(monkeypatch, outcomes):
    """Each call takes the next outcome: a return code; on 0 it writes the report where asked."""
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        code = outcomes[len(calls) - 1]
        if code == 0:
            out = next(arg.split("=", 1)[1] for arg in command if arg.startswith("--output-path="))
            Path(out).write_text(json.dumps(report()))
        return subprocess.CompletedProcess(command, code, stdout=None, stderr="Runtime error encountered: (NO_NAVSTART)\n")

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_a_failed_run_is_retried_once_and_its_error_shown(audit, monkeypatch, tmp_path, capsys):
    calls = fake_lighthouse(monkeypatch, [1, 0])
    scores, failing = audit.lighthouse("http://127.0.0.1:8104/", "mobile", tmp_path)
    assert len(calls) == 2 and scores == {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100}
    assert failing == {} and "NO_NAVSTART" in capsys.readouterr().err


def test_two_failed_runs_stop_the_audit_with_the_page_named(audit, monkeypatch, tmp_path):
    fake_lighthouse(monkeypatch, [1, 1])
    with pytest.raises(SystemExit, match=r"lighthouse failed twice on http://127.0.0.1:8104/ \(desktop\)"):
        audit.lighthouse("http://127.0.0.1:8104/", "desktop", tmp_path)
