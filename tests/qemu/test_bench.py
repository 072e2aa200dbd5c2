# SPDX-License-Identifier: LGPL-3.0-or-later
"""Keeps `make bench` working: scripts/bench.py --quick (one configuration,
both firmwares), then checks that its JSON holds sane numbers.

No timing thresholds here: speed targets belong to `make bench`, not to tests."""
import json
import os
import subprocess
import sys

import reefqemu

BENCH = os.path.join(reefqemu.ROOT, "scripts", "bench.py")
RESULT = os.path.join(reefqemu.OUT, "bench", "quick.json")


def test_bench_quick(bios, seabios):
    if os.path.exists(RESULT):
        os.unlink(RESULT)
    r = subprocess.run([sys.executable, BENCH, "--quick", "--bios", bios, "--seabios", seabios],
                       cwd=reefqemu.ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, "bench.py --quick failed:\n%s\n%s" % (r.stdout[-3000:], r.stderr[-3000:])
    assert os.path.isfile(RESULT), "bench.py did not write " + RESULT
    res = json.load(open(RESULT))
    assert "ReefBIOS" in r.stdout and "SeaBIOS" in r.stdout and "pc + IDE 128M" in r.stdout

    # POST cost: one configuration, both firmwares, at least two runs each.
    assert len(res["configs"]) == 1
    cfg = res["configs"][0]
    for role in ("reef", "seabios"):
        v = cfg["virtual"][role]
        assert v["post_ns"] > 0, role
        assert len(v["runs_ns"]) >= 2 and all(x > 0 for x in v["runs_ns"]), role
        assert v["post_ns"] == min(v["runs_ns"]), role
        f = v["footprint"]
        assert 0 < f["conventional_kib"] <= 640, (role, f)
        assert f["e820_entries"] > 0 and f["e820_complete"], (role, f)
        assert f["e820_usable_below_4g_bytes"] > 100 << 20, (role, f)  # most of -m 128M
        assert f["ram_withheld_below_4g_kib"] is not None and f["ram_withheld_below_4g_kib"] >= 0, (role, f)
        if f["ebda_segment"]:
            assert f["ebda_kib"] > 0, (role, f)
        w = cfg["wall"][role]
        assert w["median_s"] > 0 and all(x > 0 for x in w["samples_s"]), role
    assert res["wall"]["floor_s"] > 0

    # Image sizes.
    im = res["image"]
    assert 0 < im["reef_used"] <= im["reef_file"] == 262144
    assert 0 < im["seabios_nonpadding"] <= im["seabios_file"]

    # Phases: reset->start first, int19->boot sector last, adding up to the POST cost.
    ph = res["phases"]
    total = cfg["virtual"]["reef"]["post_ns"]
    assert ph["total_ns"] == total
    names = [s["name"] for s in ph["slices"]]
    assert names[0].startswith("reset") and names[-1].endswith("boot sector"), names
    assert "start" in names and "vga" in names and "ata" in names, names
    assert all(s["ns"] >= 0 for s in ph["slices"]), ph["slices"]
    assert abs(sum(s["ns"] for s in ph["slices"]) - total) <= 0.05 * total
    assert ph["within_5pct"]
