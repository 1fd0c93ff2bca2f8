"""benchctl export: the hyperfine format has exactly the keys and types of
a real `hyperfine -N --export-json` of the same command; json and csv
carry every run; lnt, bmf and conbench have the fields the LNT, Bencher
and Conbench servers require."""

import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

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


def measured_walls(d, sid):
    return [x["wall"] for x in d.session(sid)["runs"]
            if x["kind"] == "measured" and not x["disturbed"]]


@test
def lnt_report_v2():
    d = Daemon({"c": {"command": DEMO + " --sleep 2 --prefix P_{crate}",
                      "param.crate": "ori_arc ori_types", "warmup": "1",
                      "runs": "2", "max_runs": "2"}}).start()
    rc, out = d.ctl("queue", "c", "--all", "--rev", "abc123")
    ids = [s["id"] for s in out["sessions"]]
    for sid in ids:
        assert d.wait_state(sid)["state"] == "completed"
    rc, r = d.ctl("export", *map(str, ids), "--format", "lnt")
    assert rc == 0, r
    # LNT docs/importing_data.rst, format version 2.
    assert r["format_version"] == "2"
    assert isinstance(r["machine"]["name"], str) and r["machine"]["name"]
    assert all(isinstance(v, str) for v in r["machine"].values())
    run = r["run"]
    for k in ("start_time", "end_time"):
        time.strptime(run[k], "%Y-%m-%dT%H:%M:%S")
    assert run["start_time"] <= run["end_time"]
    assert run["llvm_project_revision"] == "abc123"
    assert [t["name"] for t in r["tests"]] == \
        ["c/crate=ori_arc", "c/crate=ori_types"]
    for t, sid in zip(r["tests"], ids):
        assert t["execution_time"] == measured_walls(d, sid)
        assert len(t["mem_bytes"]) == 2 and t["mem_bytes"][0] > 0
    # One report is one order: sessions of two revisions are refused.
    other = d.call("session.queue", {"suite": "c", "params":
                                     {"crate": "ori_arc"}, "rev": "def"})
    sid = other["sessions"][0]["id"]
    d.wait_state(sid)
    rc, text = d.ctl("export", str(ids[0]), str(sid), "--format", "lnt",
                     json_out=False)
    assert rc == 64 and "one order" in text, (rc, text)
    assert d.stop() == 0


@test
def bencher_metric_format():
    d = Daemon({"s": {"command": DEMO + " --sleep 3", "warmup": "1",
                      "runs": "3", "max_runs": "3"}}).start()
    sid = session(d, "s")
    rc, r = d.ctl("export", str(sid), "--format", "bmf")
    assert rc == 0, r
    # bencher.dev/bmf.json: benchmark -> measure -> {value, ...}.
    assert list(r) == ["s"], r
    lat = r["s"]["latency"]
    assert set(lat) == {"value", "lower_value", "upper_value"}, lat
    walls = measured_walls(d, sid)
    assert abs(lat["value"] - statistics.mean(walls) * 1e9) < 1, lat
    assert lat["lower_value"] <= lat["value"] <= lat["upper_value"]
    assert 1e6 < lat["value"] < 1e10        # nanoseconds, not seconds
    assert d.stop() == 0


@test
def conbench_results():
    d = Daemon({"s": {"command": DEMO + " --sleep 2", "warmup": "1",
                      "runs": "3", "max_runs": "3"}}).start()
    sid = session(d, "s")
    rc, r = d.ctl("export", str(sid), "--format", "conbench")
    assert rc == 0, r
    assert isinstance(r, list) and len(r) == 1, r
    b = r[0]
    # conbench's BenchmarkResultSchema: what a POST must carry.
    for k in ("run_id", "batch_id", "timestamp", "stats", "tags",
              "context", "info", "machine_info"):
        assert k in b, k
    assert b["tags"]["name"] == "s"
    assert isinstance(b["context"], dict) and isinstance(b["info"], dict)
    time.strptime(b["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    st = b["stats"]
    walls = measured_walls(d, sid)
    assert st["data"] == walls and st["unit"] == "s"
    assert st["iterations"] == len(walls) == 3
    assert abs(st["mean"] - statistics.mean(walls)) < 1e-12
    assert abs(st["stdev"] - statistics.stdev(walls)) < 1e-12
    assert abs(st["median"] - statistics.median(walls)) < 1e-12
    assert st["min"] == min(walls) and st["max"] == max(walls)
    m = b["machine_info"]
    for k in ("name", "os_name", "os_version", "architecture_name",
              "kernel_name", "cpu_model_name", "cpu_core_count",
              "cpu_thread_count", "cpu_frequency_max_hz",
              "cpu_l1d_cache_bytes", "cpu_l1i_cache_bytes",
              "cpu_l2_cache_bytes", "cpu_l3_cache_bytes", "memory_bytes",
              "gpu_count", "gpu_product_names"):
        assert k in m, k
    assert int(m["cpu_thread_count"]) >= 1 and int(m["memory_bytes"]) > 0
    rc, text = d.ctl("export", str(sid), "--format", "nope",
                     json_out=False)
    assert rc == 64 and "conbench" in text, (rc, text)
    assert d.stop() == 0


if __name__ == "__main__":
    main(limit=90)
