"""`clusterloom schedule`: an event in JSON, the schedule out in JSON, clear errors that write
nothing."""

import copy
import json
import os
import subprocess
import sys
import time
from functools import partial
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from clusterloom.events.management.commands import schedule as command
from clusterloom.tests.support import (
    altered,
    bad_files_and_options_write_nothing,
    refused_writing_nothing,
)

EVENT = {
    "slots": ["9:00", "9:30", 1000],
    "tables": 2,
    "breaks": [],
    "participants": [
        {"id": 1, "available": ["9:00", "9:30", 1000]},
        {"id": "acme", "available": ["9:30", 1000], "max_meetings": 2},
        {"id": "booth", "available": ["9:00", "9:30", 1000], "fixed_table": 2},
        {"id": "d", "available": [1000], "max_meetings": None, "fixed_table": None},
    ],
    "meetings": [
        {"id": 7, "participants": [1, "acme"], "weight": 2, "slot": None, "table": None},
        {"id": "m2", "participants": [1, "booth"], "weight": 1},
        {"id": "m3", "participants": ["acme", "booth"], "weight": 1.5},
        {"id": "m4", "participants": ["d", 1], "weight": 1, "slot": 1000, "table": 1},
        {"id": "m5", "participants": ["d", "acme"]},
    ],
}


def run(tmp_path, event=EVENT, *extra, raw=None):
    source = tmp_path / "EVENT.json"
    source.write_text(raw if raw is not None else json.dumps(event))
    out = tmp_path / "SCHEDULE.json"
    call_command("schedule", "--input", source, "--output", out, *extra)
    return json.loads(out.read_text())


def test_schedules_the_event_and_gives_ids_back_as_given(tmp_path):
    result = run(tmp_path, EVENT, "--time-limit", "5")
    placed = {a["meeting"]: (a["slot"], a["table"]) for a in result["assignments"]}
    # m4 is locked at 10:00 (slot id 1000, an integer); d is free only then: m5 cannot happen.
    assert placed["m4"] == (1000, 1)
    assert set(placed) == {7, "m2", "m3", "m4"} and result["unscheduled"] == ["m5"]
    assert placed["m2"][1] == 2 and placed["m3"][1] == 2, "the booth's meetings at its table"
    assert {placed[7][0], placed["m2"][0], placed["m4"][0]} == {"9:00", "9:30", 1000}
    assert result["objective"] == 5.5 and result["upper_bound"] == 5.5
    assert result["status"] == "optimal"
    # The booth meets at 9:00 (the only time 1 is free) and at 10:00 (acme's): 9:30 is idle.
    assert result["idle_gaps"] == 1 and result["breaks"] == 1 and result["messages"] == []
    assert list(result) == [
        "assignments",
        "unscheduled",
        "objective",
        "upper_bound",
        "breaks",
        "idle_gaps",
        "status",
        "messages",
    ]


def test_times_of_day_fixed_slots_and_a_cap_on_breaks(tmp_path, capsys):
    event = copy.deepcopy(EVENT)
    event["meetings"][3].update(table=None)  # fixed at 10:00, any table
    event["meetings"][1]["slots"] = ["9:00"]  # 1 and the booth: 9:00 only
    del event["meetings"][2]  # acme and the booth
    result = run(tmp_path, event, "--time-limit", "5")
    placed = {a["meeting"]: (a["slot"], a["table"]) for a in result["assignments"]}
    assert placed["m2"] == ("9:00", 2) and placed["m4"][0] == 1000 and placed[7][0] == "9:30"
    assert result["breaks"] == 0 and "0 breaks, 0 idle slots" in capsys.readouterr().out
    # 1 meets the booth at 9:00 and d at 10:00 (fixed): a break, the cap of 0 cannot hold.
    event["max_breaks"] = 0
    event["meetings"] = [event["meetings"][1], event["meetings"][2]]
    event["meetings"][0]["slots"] = ["9:00"]
    out = tmp_path / "SCHEDULE.json"
    out.unlink()
    with pytest.raises(
        CommandError, match=r"EVENT.json: the cap of 0 breaks per participant cannot hold.*1 \(1\)"
    ):
        run(tmp_path, event)
    assert not out.exists()


def test_the_time_limit_counts_the_start_up(tmp_path):
    """`clusterloom schedule --time-limit 4` started 3 s ago has under 1 s left, not 4: the
    scheduler gets the process's start and the limit less the time kept for writing."""
    source = tmp_path / "EVENT.json"
    source.write_text(json.dumps(EVENT))
    seen = {}

    def spy(problem, *, time_limit, started):
        seen["time_limit"], seen["started"] = time_limit, started
        return real(problem, time_limit=0.5)

    real = command.schedule
    began = time.monotonic() - 3.0
    with (
        mock.patch.object(command.cli, "STARTED", began),
        mock.patch.object(command, "schedule", spy),
    ):
        call_command(
            "schedule", "--input", source, "--output", tmp_path / "S.json", "--time-limit", "4"
        )
    assert seen["started"] == began
    assert seen["time_limit"] == pytest.approx(4 - command._WRITE)


def test_the_command_runs_no_system_checks():
    """The checks import every URL and API module, seconds under load inside the limit."""
    assert command.Command.requires_system_checks == []


def test_first_fit_baseline(tmp_path):
    result = run(tmp_path, EVENT, "--first-fit")
    placed = {a["meeting"]: (a["slot"], a["table"]) for a in result["assignments"]}
    # By weight: 7 first, at 9:30, the first slot both are free; then m3 and m2.
    assert placed[7] == ("9:30", 1) and placed["m4"] == (1000, 1)
    assert result["objective"] <= result["upper_bound"]


def test_locked_meetings_that_clash_write_nothing(tmp_path):
    event = copy.deepcopy(EVENT)
    event["meetings"][0].update(slot=1000, table=2)
    with pytest.raises(
        CommandError,
        match=r"EVENT.json: the locked meetings break the event's rules: meetings\[3\] \(m4\): "
        r"participant 1 is already taken in slot 1000 by 7",
    ):
        run(tmp_path, event)
    assert not (tmp_path / "SCHEDULE.json").exists()


#: EVENT with the item at a path (e.g. 'meetings.3.participants') replaced or deleted.
broken = partial(altered, EVENT)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            broken("meetings.3.participants", delete=True),
            r"EVENT.json: meetings\[3\]\.participants is missing",
        ),
        (
            broken("meetings.1.participants", ["booth"]),
            r"meetings\[1\] \(m2\)\.participants: a meeting needs exactly two participants, not 1",
        ),
        (
            broken("meetings.2.participants", ["acme", "nobody"]),
            r"meetings\[2\] \(m3\)\.participants\[1\]: unknown participant 'nobody'",
        ),
        (
            broken("meetings.4.id", 7),
            r"meetings\[4\]\.id: '7' appears twice \(also meetings\[0\]\)",
        ),
        (broken("participants.3.id", "acme"), r"participants\[3\]\.id: 'acme' appears twice"),
        (
            broken("meetings.3.slot", "9:00"),
            r"meetings\[3\] \(m4\): fixed in slot '9:00', where participant 'd' is not available",
        ),
        (
            broken("meetings.3.table", 3),
            r"meetings\[3\] \(m4\)\.table: 3 is not a table of this event \(1\.\.2\)",
        ),
        (broken("meetings.3.slot", None), r"meetings\[3\] \(m4\): table given without slot"),
        (broken("meetings.3.slots", ["8:00"]), r"meetings\[3\] \(m4\)\.slots: unknown slot"),
        (broken("meetings.3.slots", []), r"meetings\[3\] \(m4\)\.slots: must be a non-empty"),
        (broken("max_breaks", -1), r"max_breaks: must be an integer >= 0 or None, not -1"),
        (broken("meetings.0.weight", "2"), r"meetings\[0\]\.weight: must be a number, not \"2\""),
        (
            broken("meetings.0.weight", -1),
            r"meetings\[0\] \(7\)\.weight: must be a finite number > 0, not -1",
        ),
        (broken("meetings.0.colour", "red"), r"meetings\[0\]: unknown field 'colour'"),
        (
            broken("participants.1.available", "9:30"),
            r"participants\[1\]\.available: must be a list of ids",
        ),
        (
            broken("participants.1.available", ["9:30", "noon"]),
            r"participants\[1\] \(acme\)\.available: unknown slot 'noon'",
        ),
        (
            broken("participants.2.fixed_table", 5),
            r"participants\[2\] \(booth\)\.fixed_table: 5 is not a table",
        ),
        (broken("participants.0", "p1"), r"participants\[0\]: must be a JSON object"),
        (
            broken("participants.0.id", True),
            r"participants\[0\]\.id: must be a non-empty string or an integer",
        ),
        (broken("tables", "2"), r"EVENT.json: tables: must be an integer"),
        (broken("breaks", [5]), r"breaks: 5 is not the index of a slot followed by another"),
        (broken("meetings", delete=True), r"EVENT.json: 'meetings' is missing"),
        (broken("rooms", []), r"EVENT.json: unknown field 'rooms'"),
        ([EVENT], r"EVENT.json: must be a JSON object"),
    ],
)
def test_bad_event_names_the_place_and_writes_nothing(tmp_path, event, message):
    (tmp_path / "SCHEDULE.json").write_text("previous\n")
    refused_writing_nothing(partial(run, tmp_path, event), tmp_path / "SCHEDULE.json", message)


def test_nan_weight_is_refused(tmp_path):
    raw = json.dumps(EVENT).replace('"weight": 1.5', '"weight": NaN')
    with pytest.raises(
        CommandError, match=r"meetings\[2\] \(m3\)\.weight: must be a finite number"
    ):
        run(tmp_path, raw=raw)


def test_malformed_json_missing_file_bad_output_folder_and_bad_time_limit(tmp_path):
    bad_files_and_options_write_nothing(
        "schedule",
        tmp_path / "EVENT.json",
        EVENT,
        tmp_path / "SCHEDULE.json",
        malformed='{\n  "slots": ["a"],\n  "tables": 2,,\n}\n',
        at="line 3 column 15",
    )


def test_the_cli_process_freezes_its_objects_before_it_exits():
    """The interpreter's last collection then skips them (0.55 s of exit with the scheduler's
    modules, 2.7 s under load: past the command's time limit); a call from a process that
    goes on (argv given) freezes nothing."""
    with (
        mock.patch("django.core.management.execute_from_command_line") as run,
        mock.patch.object(command.cli, "_run_without_apps") as run_alone,
        mock.patch.object(command.cli.gc, "freeze") as freeze,
        mock.patch.object(command.cli.sys, "argv", ["clusterloom", "schedule", "--help"]),
    ):
        command.cli.main(["schedule", "--help"])
        assert run.called and not freeze.called and not run_alone.called
        command.cli.main()
        assert run_alone.called and freeze.call_count == 1


def _process(tmp_path, *args, **env):
    """`clusterloom ARGS` as a process of its own; afterwards it prints how many apps it
    loaded."""
    code = (
        "import sys; from clusterloom.cli import main; from django.apps import apps\n"
        "try:\n    main()\nfinally:\n    print('apps loaded:', len(apps.app_configs))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    clean.update(env, CLUSTERLOOM_VAR_DIR=str(tmp_path))
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed code
        [sys.executable, "-c", code, *args], env=clean, capture_output=True, text=True
    )


def test_the_schedule_process_starts_without_the_apps(tmp_path):
    """Its start-up counts inside its time limit: `clusterloom schedule` loads no app and no
    model (0.7-1.6 s less), and still speaks the site's language."""
    source, out = tmp_path / "EVENT.json", tmp_path / "SCHEDULE.json"
    source.write_text(json.dumps(EVENT))
    done = _process(tmp_path, "schedule", "--input", str(source), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "meetings scheduled" in done.stdout and "apps loaded: 0" in done.stdout
    assert {a["meeting"] for a in json.loads(out.read_text())["assignments"]} >= {7, "m4"}
    source.write_text(json.dumps({**EVENT, "tables": "two"}))
    out.unlink()
    done = _process(
        tmp_path, "schedule", "--input", str(source), "--output", str(out), LANGUAGE_CODE="it"
    )
    assert done.returncode == 1 and not out.exists()
    assert "tables" in done.stderr and "deve essere" in done.stderr, done.stderr
    assert "apps loaded: 0" in done.stdout
