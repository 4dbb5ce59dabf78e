"""The shape of the code: the layers hold, and lower layers reach higher ones only by registries.

`make lint` runs the same import contract; running it here too means `make test` catches a
wrong-way import before anything is pushed.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from importlinter.cli import lint_imports

from caredesk.compliance.records import personal_data, record_classes
from caredesk.core.phi import EncryptedCharField
from caredesk.core.registries import Registry, RegistryError, Slot
from caredesk.governance.models import RecordClass
from caredesk.tickets.services.keys import sealed_models

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "caredesk"


def test_the_layers_contract_is_kept(capsys) -> None:  # type: ignore[no-untyped-def]
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def _copy_with(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the package (Python files only) with one module added."""
    shutil.copytree(
        SRC, tmp_path / "caredesk", ignore=shutil.ignore_patterns("templates", "static")
    )
    (tmp_path / "caredesk" / name).write_text(text)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contract_refuses_an_upward_import_even_inside_a_function(tmp_path) -> None:  # type: ignore[no-untyped-def]
    probe = "def queue_page():\n    from caredesk.desk import views\n\n    return views\n"
    copy = _copy_with(tmp_path, "core/probe.py", probe)
    lint = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    done = subprocess.run(
        [*lint, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "caredesk.core.probe -> caredesk.desk.views" in done.stdout


def _jobs_declared() -> dict[str, str]:
    """Every job in the package, by its queue name ("module.function"), and its decorator."""
    found = {}
    for path in SRC.rglob("*.py"):
        module = ".".join(("caredesk", *path.relative_to(SRC).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                call = deco.func if isinstance(deco, ast.Call) else deco
                name = getattr(call, "id", getattr(call, "attr", ""))
                if name in ("db_task", "db_periodic_task", "task", "periodic_task"):
                    found[f"{module}.{node.name}"] = name
    return found


def test_a_worker_knows_every_job_and_the_schedules_are_declared_in_one_place() -> None:
    """A worker imports caredesk.tasks only: every job any process may queue must be known to it,
    and every periodic schedule is declared there."""
    declared = _jobs_declared()
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'; "
        "django.setup(); import caredesk.tasks; from huey.contrib.djhuey import HUEY; "
        "print('\\n'.join(sorted(HUEY._registry._registry)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert set(declared) <= set(done.stdout.split())
    periodic = {name for name, kind in declared.items() if "periodic" in kind}
    assert periodic and all(name.startswith("caredesk.tasks.") for name in periodic)


def test_a_registry_refuses_a_second_registration_and_names_what_is_missing() -> None:
    registry: Registry[str] = Registry("record keepers")
    registry.register("chats", "first")
    with pytest.raises(RegistryError, match="'chats' is registered twice"):
        registry.register("chats", "second")
    with pytest.raises(RegistryError, match="nothing is registered as 'calls'"):
        registry.get("calls")
    slot: Slot[str] = Slot("clock keeper", filled_by="caredesk.sla")
    with pytest.raises(RegistryError, match="clock keeper: nothing registered; caredesk.sla"):
        slot.get()
    slot.fill("sla")
    with pytest.raises(RegistryError, match="filled twice"):
        slot.fill("another")


def test_key_rotation_covers_every_encrypted_column_of_every_app() -> None:
    covered = {(s.model, f) for s in sealed_models() for f in s.fields}
    encrypted = {
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, EncryptedCharField)
    }
    assert encrypted and encrypted <= covered, encrypted - covered


EVENT_WRITER = SRC / "tickets" / "services" / "events.py"
_CREATES = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _event_writes(tree: ast.AST) -> list[int]:
    """Lines that build or write TicketEvent rows: `TicketEvent(...)`,
    `TicketEvent.objects.create(...)` and the like, `<ticket>.events.create(...)`."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "TicketEvent":
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in _CREATES:
            owner = ast.unparse(func.value)
            if owner.startswith("TicketEvent.") or owner.endswith(".events"):
                lines.append(node.lineno)
    return lines


def test_only_the_event_writer_builds_or_writes_ticket_events() -> None:
    found = {
        f"{path.relative_to(SRC)}:{line}"
        for path in SRC.rglob("*.py")
        if path != EVENT_WRITER and "migrations" not in path.parts
        for line in _event_writes(ast.parse(path.read_text()))
    }
    assert not found, f"TicketEvent rows made outside tickets/services/events.py: {found}"
    assert _event_writes(ast.parse(EVENT_WRITER.read_text()))  # the check sees the writer's own


def test_every_retention_class_and_export_part_has_the_app_that_keeps_it() -> None:
    """Governance reads the channels' records through compliance/records.py only: each class
    of records with a retention period is either governance's own or registered by its app."""
    own = {RecordClass.CLOSED_TICKETS, RecordClass.OUTBOX_MAIL}
    assert set(record_classes.keys()) == set(RecordClass.values) - own
    assert set(personal_data.keys()) == {"received_mail", "calls", "chats"}


def test_the_job_queue_keeps_no_return_values(tmp_path: Path, settings: Any) -> None:
    """Nothing reads a job's return value, so none is kept: the embedded queue's file and
    Redis would otherwise grow by one unread result per job, every minute, for ever."""
    from huey import SqliteHuey

    config = {k: v for k, v in settings.HUEY.items() if k not in ("huey_class", "consumer")}
    config.update(filename=str(tmp_path / "jobs.sqlite3"), immediate=False)
    queue = SqliteHuey(**config)

    @queue.task()
    def answer() -> int:
        return 42

    answer()
    queue.execute(queue.dequeue())
    assert queue.pending_count() == 0
    assert queue.storage.result_store_size() == 0
