"""The signals do what portal/signals.py says: these senders, these receivers, no others."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from blinker import NamedSignal

import portal
from portal import signals

PORTAL = Path(portal.__file__).resolve().parent
BLINKER_IMPORT = re.compile(r"^\s*(import blinker|from blinker import)", re.MULTILINE)
SIGNALS: dict[str, NamedSignal] = {
    "certification_issued": signals.certification_issued,
    "referral_submitted": signals.referral_submitted,
    "kit_downloaded": signals.kit_downloaded,
    "agreement_accepted": signals.agreement_accepted,
    "compliance_document_approved": signals.compliance_document_approved,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sends() -> dict[str, set[str]]:
    """Signal name → the functions (module.function) whose body calls `<signal>.send(...)`."""
    found: dict[str, set[str]] = {}
    for path in PORTAL.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "send"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in SIGNALS
                ):
                    name = SIGNALS[node.func.value.id].name
                    found.setdefault(name, set()).add(f"{_module_name(path)}.{function.name}")
    return found


def test_the_documented_functions_send_each_signal_and_no_others():
    assert _sends() == {name: {sender} for name, sender in signals.SENDERS.items()}


def test_the_documented_receivers_are_connected_and_no_others(app):
    connected = {
        signal.name: {f"{r.__module__}.{r.__qualname__}" for r in signal.receivers_for(None)}
        for signal in SIGNALS.values()
    }
    assert connected == signals.RECEIVERS


def test_every_documented_function_exists_and_is_named_in_the_docstring():
    for qualified in [*signals.SENDERS.values(), *set().union(*signals.RECEIVERS.values())]:
        module_name, _, function = qualified.rpartition(".")
        module = __import__(module_name, fromlist=[function])
        assert callable(getattr(module, function)), qualified
        assert qualified in (signals.__doc__ or ""), qualified


def test_no_other_module_makes_signals():
    makers = sorted(
        str(path.relative_to(PORTAL))
        for path in PORTAL.rglob("*.py")
        if path.name != "signals.py" and BLINKER_IMPORT.search(path.read_text())
    )
    assert makers == []
