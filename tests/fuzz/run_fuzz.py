#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Runs the libFuzzer targets built in out/fuzz (tests/fuzz/fuzz.mk calls it).

    run_fuzz.py --build out/fuzz --seeds tests/fuzz/corpus --seconds 60 TARGET...
        fuzz each target for that long on its working corpus
        out/fuzz/corpus/<target> (the seeds are copied in first; what the
        fuzzer finds stays there for the next run)
    run_fuzz.py --build out/fuzz --seeds tests/fuzz/corpus --runs 20000 TARGET...
        smoke test: that many inputs per target, starting from a fresh copy
        of its seeds (out/fuzz/smoke/<target>) with a fixed random seed

Crashes are saved to out/fuzz/crashes/<target>/, each target's libFuzzer
output to out/fuzz/logs/<target>.log. Nothing is written under tests/.
Prints one line per target, then "N passed, M failed"; exits 1 if any failed.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time


# Stack frames of libFuzzer, the sanitizers and the C library: left out of
# the excerpt of a failure.
OWN_FRAMES = r"fuzzer::|__sanitizer|__asan|__ubsan|libc\.so| in main | in _start |__libc_start"


def copy_seeds(seeds, corpus, fresh):
    if fresh:
        shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus, exist_ok=True)
    n = 0
    if os.path.isdir(seeds):
        for name in sorted(os.listdir(seeds)):
            src = os.path.join(seeds, name)
            if os.path.isfile(src):
                shutil.copyfile(src, os.path.join(corpus, "seed-" + name))
                n += 1
    return n


def run_target(args, target):
    binary = os.path.join(args.build, "fuzz_" + target)
    corpus = os.path.join(args.build, "smoke" if args.runs else "corpus", target)
    crashes = os.path.join(args.build, "crashes", target)
    log = os.path.join(args.build, "logs", target + ".log")
    os.makedirs(crashes, exist_ok=True)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if not os.access(binary, os.X_OK):
        return False, "not built (%s missing)" % binary, ""
    nseeds = copy_seeds(os.path.join(args.seeds, target), corpus, fresh=bool(args.runs))
    if not nseeds:
        return False, "no seeds in %s" % os.path.join(args.seeds, target), ""
    cmd = [binary, "-artifact_prefix=" + crashes + "/", "-print_final_stats=1", "-timeout=20",
           "-rss_limit_mb=2048"]
    if args.runs:
        cmd += ["-runs=%d" % args.runs, "-seed=1"]
        limit = 600
    else:
        cmd += ["-max_total_time=%d" % args.seconds]
        limit = args.seconds + 300
    cmd.append(corpus)
    start = time.monotonic()
    with open(log, "w") as out:
        out.write("$ %s\n" % " ".join(cmd))
        out.flush()
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=limit).returncode
        except subprocess.TimeoutExpired:
            rc = None
    took = time.monotonic() - start
    with open(log, errors="replace") as f:
        text = f.read()

    def stat(name):
        m = re.search(r"^stat::%s:\s*(\d+)" % name, text, re.M)
        return int(m.group(1)) if m else None

    runs = stat("number_of_executed_units")
    cov = re.findall(r"\bcov: (\d+)", text)
    corp = re.findall(r"\bcorp: (\d+)/", text)
    detail = "%s runs in %.1f s" % (runs if runs is not None else "?", took)
    if cov:
        detail += ", coverage %s" % cov[-1]
    if corp:
        detail += ", corpus %s" % corp[-1]
    if rc == 0:
        return True, detail, ""
    crash = re.findall(r"Test unit written to (\S+)", text)
    why = "timed out after %d s" % limit if rc is None else "exit %d" % rc
    if crash:
        why += ", input saved to %s" % crash[-1]
    # What went wrong: the invariant or the sanitizer's report, briefly.
    excerpt = []
    for line in text.splitlines():
        if re.search(r"^\s+#\d+ ", line) and re.search(OWN_FRAMES, line):
            continue
        if re.search(r"FUZZ_CHECK failed|^\s{2}\S|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|"
                     r"runtime error:|SUMMARY:|^\s+#\d+ ", line):
            excerpt.append(line)
        if len(excerpt) >= 25:
            break
    return False, "%s; %s; log %s" % (why, detail, log), "\n".join("    " + l for l in excerpt)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True, help="the CMake build directory of tests/fuzz")
    p.add_argument("--seeds", required=True, help="directory of the seed corpora, one folder per target")
    p.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    p.add_argument("--runs", type=int, default=0, help="smoke test: inputs per target (instead of --seconds)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="targets run at the same time")
    p.add_argument("targets", nargs="+")
    args = p.parse_args()

    what = "%d runs each" % args.runs if args.runs else "%d s each" % args.seconds
    print("fuzz: %s: %s, %d at a time" % (" ".join(args.targets), what, max(1, args.jobs)), flush=True)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: run_target(args, t), args.targets))
    passed = 0
    for target, (ok, detail, excerpt) in zip(args.targets, results):
        if excerpt:
            print(excerpt)
        print("fuzz %-12s %-6s %s" % (target, "ok" if ok else "FAILED", detail))
        passed += ok
    print("fuzz: %.1f s in all" % (time.monotonic() - start))
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
