"""benchctl export: the hyperfine format has exactly the keys and types of
a real `hyperfine -N --export-json` of the same command; json and csv
carry every run."""

import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests/lib"))
from harness import DEMO, Daemon, Skip, main, test  # noqa


def shape(v):
    """Keys and JSON types, recursively; lists by their first element."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if v is None:
        return "null"
    return type(v).__name__


def session(d, suite):
    sid = d.queue(suite)
    assert d.wait_state(sid)["state"] == "completed"
    return sid


@test
def hyperfine_export_matches_hyperfines_own():
    if shutil.which("hyperfine") is None:
        raise Skip("hyperfine is not installed (Debian package hyperfine)")
    cmd = DEMO + " --sleep 5"
    out = os.path.join(tempfile.mkdtemp(), "h.json")
    subprocess.run(["hyperfine", "-N", "--runs", "4", "--warmup", "1",
                    "--style", "none", "--export-json", out, cmd],
                   check=True, capture_output=True, timeout=60)
    real = json.load(open(out))
    d = Daemon({"s": {"command": cmd, "warmup": "1", "runs": "4"}}).start()
    sid = session(d, "s")
    rc, mine = d.ctl("export", str(sid), "--format", "hyperfine")
    assert rc == 0, mine
    assert shape(mine) == shape(real), (shape(mine), shape(real))
    r = mine["results"][0]
    assert r["command"] == cmd, r["command"]
    runs = [x for x in d.session(sid)["runs"] if x["kind"] == "measured"]
    assert r["times"] == [x["wall"] for x in runs]
    assert r["exit_codes"] == [0] * 4
    assert abs(r["mean"] - statistics.mean(r["times"])) < 1e-12
    assert abs(r["stddev"] - statistics.stdev(r["times"])) < 1e-12
    assert abs(r["median"] - statistics.median(r["times"])) < 1e-12
    assert r["min"] == min(r["times"]) and r["max"] == max(r["times"])
    assert abs(r["user"] - statistics.mean(x["user"] for x in runs)) < 1e-12
    assert d.stop() == 0


@test
def parameters_json_and_csv():
    # max_runs = runs: however noisy a loaded machine makes 2 ms runs,
    # each session has exactly 1 warmup and 2 measured runs.
    d = Daemon({"c": {"command": DEMO + " --sleep 2 --prefix P_{crate}",
                      "param.crate": "ori_arc ori_types", "warmup": "1",
                      "runs": "2", "max_runs": "2"}}).start()
    rc, out = d.ctl("queue", "c", "--all")
    ids = [s["id"] for s in out["sessions"]]
    for sid in ids:
        assert d.wait_state(sid)["state"] == "completed"
    rc, h = d.ctl("export", *map(str, ids), "--format", "hyperfine")
    assert rc == 0, h
    assert [r["parameters"] for r in h["results"]] == \
        [{"crate": "ori_arc"}, {"crate": "ori_types"}]
    rc, j = d.ctl("export", *map(str, ids), "--format", "json")
    assert rc == 0 and [x["session"]["id"] for x in j] == ids, j
    rc, text = d.ctl("export", *map(str, ids), "--format", "csv",
                     json_out=False)
    assert rc == 0, text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 * 3, rows            # 1 warmup + 2 runs each
    assert {r["disturbed"] for r in rows} == {"false"}
    assert all(r["stall_share"] != "" for r in rows) or \
        all(r["stall_share"] == "" for r in rows)
    assert [r["kind"] for r in rows[:3]] == ["warmup", "measured",
                                            "measured"]
    assert {r["session"] for r in rows} == {str(i) for i in ids}
    assert float(rows[1]["wall"]) > 0
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=90)
