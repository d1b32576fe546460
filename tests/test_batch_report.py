"""`msglint batch --report report.html`: one self-contained page per campaign."""

from __future__ import annotations

import csv
import html
import re
from html.parser import HTMLParser


def _csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


class _Bars(HTMLParser):
    """Per template section: each bar's (level, recipients, state)."""

    def __init__(self):
        super().__init__()
        self.sections, self.external = {}, []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._current = attrs["id"].removeprefix("t-")
            self.sections[self._current] = {}
        if tag == "g" and "data-level" in attrs and self._current:
            self.sections[self._current][attrs["data-level"]] = (int(attrs["data-recipients"]), attrs["data-state"])
        for name in ("src", "href"):
            if name in attrs:
                self.external.append(attrs[name])
        if tag in ("link", "script"):
            self.external.append(tag)


def test_report_per_template(run_cli, tmp_path):
    templates = _csv(tmp_path / "templates.csv", [
        {"template_id": "vip", "text": "Nicely done! You've been given this Delta flight deal under $200"},
        {"template_id": "plain", "text": "Delta flights under $200 this week."},
    ])
    levels = ["1", "1", "2", "4", "", "3", "1"]
    recipients = _csv(tmp_path / "recipients.csv", [
        {"id": f"c{i}", "template_id": "vip" if i < 5 else "plain", "level": level} for i, level in enumerate(levels)])
    report = tmp_path / "report.html"
    result = run_cli("batch", "--quiet", "--messages", templates, "--recipients", recipients, "--on", "template_id",
                     "--report", str(report))
    assert result.exit_code == 1, result.stderr
    page = report.read_text(encoding="utf-8")

    parser = _Bars()
    parser.feed(page)
    assert parser.external == []  # self-contained: no scripts, styles or images from elsewhere
    vip = parser.sections["vip"]
    # vip reaches level 4: recipients at 1 and 2 are overreached, 4 is within reach, one is unknown
    assert vip["1"] == (2, "overreached") and vip["2"] == (1, "overreached")
    assert vip["4"] == (1, "within reach") and vip["unknown"] == (1, "not judged")
    assert vip["3"] == (0, "within reach")
    assert parser.sections["plain"]["1"] == (1, "within reach")

    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Reaches level 4 (personal recognition). 5 recipients; 3 overreached (60.0%)" in text
    assert "7 recipients, 3 overreached (42.9%)" in text
    # findings with their rewrites, and the copy with every rewrite applied
    assert "State the offer as what it is: 'Nicely done! This Delta flight deal under $200'" in text
    assert "This Delta flight deal under $200" in page.split("With the rewrites")[1].split("</pre>")[0]


def test_report_in_one_table_mode(run_cli, tmp_path):
    rows = [{"id": "a", "text": "We miss you! 20% off", "level": "1"},
            {"id": "b", "text": "We miss you! 20% off", "level": "5"},
            {"id": "c", "text": "Socks, 3 for $10.", "level": "1"}]
    report = tmp_path / "report.html"
    result = run_cli("batch", "--quiet", "--messages", _csv(tmp_path / "rendered.csv", rows), "--report", str(report))
    assert result.exit_code == 1, result.stderr
    page = report.read_text(encoding="utf-8")
    parser = _Bars()
    parser.feed(page)
    assert len(parser.sections) == 2 and all(key.startswith("sha256:") for key in parser.sections)
    assert "We miss you" in page and "expressive.simulated-intimacy" in page


def test_report_skips_faulty_rows_and_counts_rows_kept_by_resume(run_cli, tmp_path):
    table = tmp_path / "rendered.csv"
    table.write_text('id,text,level\na,"We miss you! 20% off",1\nb,"broken quote,1\n', encoding="utf-8")
    report, out = tmp_path / "report.html", tmp_path / "out.jsonl"
    args = ["batch", "--quiet", "--messages", str(table), "--output", str(out), "--report", str(report)]
    first = run_cli(*args)
    assert "internal error" not in first.stderr and "row 2" in first.stderr
    assert first.exit_code == 1 and report.is_file()  # a finding fails the run; a faulty row is reported
    assert "We miss you" in report.read_text(encoding="utf-8")
    # a resumed run writes nothing new, but its report still counts the row the first run wrote
    again = run_cli(*args, "--resume")
    assert "internal error" not in again.stderr and again.exit_code == 1
    text = html.unescape(re.sub(r"<[^>]+>", "", report.read_text(encoding="utf-8")))
    assert re.search(r"\b1 recipients?, 1 overreached", text), text[:2000]



def test_a_report_in_a_missing_folder_is_refused_before_the_send_is_checked(run_cli, tmp_path):
    rows = [{"id": "a", "level": "1", "text": "We miss you! Come back for 10% off."}]
    missing = tmp_path / "no-such-folder" / "report.html"
    result = run_cli("batch", "--quiet", "--messages", _csv(tmp_path / "rendered.csv", rows),
                     "--output", str(tmp_path / "out.jsonl"), "--report", str(missing))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"msglint: error: {missing}: cannot write the report "
                                                  "(its folder does not exist)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rendered.csv"]


def test_a_report_the_disk_refuses_is_one_error_line_and_leaves_no_partial_file(run_cli, tmp_path, monkeypatch):
    import errno

    import msglint.batch.html_report as html_report

    def full_disk(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(html_report.os, "replace", full_disk)
    rows = [{"id": "a", "level": "1", "text": "We miss you! Come back for 10% off."}]
    report = tmp_path / "report.html"
    result = run_cli("batch", "--quiet", "--messages", _csv(tmp_path / "rendered.csv", rows),
                     "--output", str(tmp_path / "out.jsonl"), "--report", str(report))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"msglint: error: {report}: cannot write the report "
                                                  "(No space left on device)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "rendered.csv"]
