"""`make bench`'s lines and summary: each line carries its ratio, its baseline and its target,
every line the speed issue asks for has a benchmark that prints it, and one that printed
nothing shows as MISSING instead of vanishing from the table."""

from __future__ import annotations

import json

from bench import report
from bench.__main__ import LINES, chosen


def test_every_expected_line_is_printed_by_a_benchmark() -> None:
    printed = {"hash_bound"} | {name for lines in LINES.values() for name in lines}
    assert printed == set(report.EXPECTED)


def test_a_line_prints_its_ratio_baseline_and_targets_and_is_recorded(
    tmp_path, monkeypatch, capsys
) -> None:
    record = tmp_path / "lines.jsonl"
    monkeypatch.setenv("BENCH_LINES", str(record))
    report.line(
        "login_sql",
        "34/s p99 357 ms",
        detail="at 80%: p99 139 ms",
        ratio=34 / 42,
        of="hash_bound (42 verifies/s)",
        targets=[report.at_least(34 / 42, 0.85, "ratio >= 0.85")],
    )
    assert capsys.readouterr().out == (
        "login_sql: 34/s p99 357 ms (at 80%: p99 139 ms) | ratio 0.81 of hash_bound "
        "(42 verifies/s) | target ratio >= 0.85: NOT met\n"
    )
    [noted] = [json.loads(text) for text in record.read_text().splitlines()]
    assert noted["targets"] == [{"text": "ratio >= 0.85", "met": False}]
    assert report.recorded(record)[0].ratio == noted["ratio"]


def test_the_table_shows_a_line_nobody_printed_as_missing() -> None:
    lines = [
        report.Line("hash_bound", "42 verifies/s", of="the baseline of login_sql"),
        report.Line(
            "code_latency",
            "p99 159 ms",
            ratio=1.15,
            of="the button's answer (p99 138 ms)",
            targets=(report.below(159, 200, "p99 < 200 ms"),),
        ),
    ]
    rows = report.table(lines, ["hash_bound", "code_latency", "sms_smpp"]).splitlines()
    assert rows[0].split() == ["line", "value", "ratio", "of", "target"]
    assert rows[1].split()[:4] == ["hash_bound", "42", "verifies/s", "-"]
    assert rows[2].split()[:5] == ["code_latency", "p99", "159", "ms", "1.15"]
    assert rows[2].endswith("target p99 < 200 ms: met")
    assert rows[3].split() == ["sms_smpp", "MISSING"]


def test_a_line_name_runs_the_benchmark_that_prints_it() -> None:
    assert chosen(["code_latency", "sms_kannel"]) == ["recovery_flow", "sms"]
    assert chosen([]) == list(LINES)
