#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Build-time check that every firmware stack is big enough.

    stackcheck.py --layout src/layout.h --offsets out/asm-offsets.h \\
                  --ci16 out/o16/...ci ... --ci32 out/o32/...ci out/init/...ci ...

gcc's -fcallgraph-info=su (the richer form of -fstack-usage) writes, next to
each object, every function's frame size and the calls it makes. This script
joins them into one call graph per mode and computes, for each stack, the
deepest path from the code that starts on it, plus what the assembly and
foreign code put there (docs/mode-switching.md, "Interrupts and stacks"):

  runtime 16-bit stack (RT_STACK_SIZE): the deepest service (handle_*),
      entered through irqentry_common, plus two nested IRQ handlers (an IRQ
      while a service waits with interrupts on, and a higher-priority one
      inside a handler that re-enabled them), plus the foreign reserve;
  runtime 32-bit stack (RT32_STACK_SIZE): the deepest call32 entry point
      (c32_*), with IRQs that yield() lets in nesting on it;
  POST stack (POST_STACK_TOP - 0x500): post_main, with option ROMs and
      other foreign real-mode code on it;
  the caller's stack in the BIOS32 entries (src/svc/bios32.S, 1 KiB, what
      the PCI BIOS specification lets a BIOS ask for): the deepest bios32_*
      function, plus the entry's frame.

It fails (exit 1) naming the stack, its size, the need and the worst path,
when a stack is too small, when code recurses, has a frame of unbounded
size, or makes an indirect call that INDIRECT below does not resolve."""
import argparse
import os
import re
import sys

# Functions that make indirect calls in runtime code, and what they may
# call: regexes over the callee's demangled signature. (The POST stack
# charges an unresolved indirect call with the deepest function of its mode.)
INDIRECT = {
    # lib/format.cc: the output callback, a PutcFn (void (*)(void*, char)).
    # vformat's sink drains through it (drain_putc); a full FormatSink
    # drains through its `drain` (void (*)(FormatSink&)).
    r"reef::\{anonymous\}::drain_putc\(": [r"\(void\*, char\)$"],
    r"reef::FormatSink::drain_full\(": [r"\(reef::FormatSink&\)$"],
    # fw/malloc.cc: a low-zone block moves the EBDA through the platform's
    # LowMemHost (the POST allocator on the runtime 32-bit stack: $PMM).
    r"reef::Allocator::alloc\(": [r"::move_ebda\("],
}

# The 16-bit handlers that hardware IRQs enter (src/entry16.S, the IVT).
IRQ_HANDLERS = ["handle_int08", "handle_int09", "handle_int0e", "handle_int70", "handle_int74",
                "handle_hwirq_master", "handle_hwirq_slave"]

# Our own INT 10h hook (the serial console, src/svc/sercon16.cc): console
# output from any service or call16 is an INT 10h, which runs it nested on
# the same stack before the video BIOS (that one is in the foreign reserve).
INT10_HOOKS = ["handle_sercon10"]

# Bytes that code outside our control may use on whichever of our stacks it
# runs on: INT 1Ch and INT 4Ah hooks, a hooked INT 15h 4Fh, the mouse
# handler of INT 15h C207h (called from IRQ12), INT 10h of a
# video BIOS that does not switch stacks. On the POST stack: option ROMs.
FOREIGN_RESERVE = 512
FOREIGN_POST_RESERVE = 4096
CANARY = 4

# The BIOS32 entries: what they may use of the caller's stack, and what the
# $PCI entry puts there before the C++ side (the caller's lcall 8, EFLAGS
# and the Regs16 frame 52, the call 4).
BIOS32_CALLER_STACK = 1024
BIOS32_ENTRY = 8 + 52 + 4

# Assembly routines in the call graph (their cost on the caller's stack).
#   call32 (16-bit side): pushfl, 4 regs, 4 segment regs, GDTR+IDTR (12), retl
CALL32_16 = 4 + 16 + 8 + 12 + 4
#   call32 on the 32-bit stack: the caller's ESP and the return address
CALL32_32 = 8
#   asm_call16: 4 regs + EFLAGS + return address in flat mode, then r, FLAGS
#   and the return CS:IP in real mode
ASM_CALL16 = 24 + 2 + 2 + 4


def parse_defines(path):
    vals = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+(0x[0-9A-Fa-f]+|\d+)\b", open(path).read(), re.M):
        vals[m.group(1)] = int(m.group(2), 0)
    return vals


class Node:
    __slots__ = ("title", "label", "frame", "dynamic", "defined", "edges", "indirect")

    def __init__(self, title, label):
        self.title = title
        self.label = label
        self.frame = 0
        self.dynamic = False
        self.defined = False
        self.edges = []
        self.indirect = False

    @property
    def signature(self):
        return self.label.split("\\n")[0]

    @property
    def name(self):
        sig = self.signature
        m = re.match(r"(?:.*?\s)?([\w:{}~<>]+(?:::[\w{}~<>]+)*)\(", sig)
        return m.group(1) if m else self.title


NODE_RX = re.compile(r'node: \{ title: "([^"]*)" label: "((?:[^"\\]|\\.)*)"')
EDGE_RX = re.compile(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"')


def load_graph(files):
    nodes = {}
    for path in files:
        text = open(path).read()
        for m in NODE_RX.finditer(text):
            title, label = m.group(1), m.group(2)
            n = nodes.get(title)
            if n is None:
                n = nodes[title] = Node(title, label)
            fm = re.search(r"\\n(\d+) bytes \(([^)]*)\)", label)
            if fm:
                n.label = label
                n.defined = True
                n.frame = int(fm.group(1))
                kind = fm.group(2)
                n.dynamic = kind.startswith("dynamic") and "bounded" not in kind
        for m in EDGE_RX.finditer(text):
            src, dst = m.group(1), m.group(2)
            if dst == "__indirect_call":
                nodes[src].indirect = True
            elif dst not in nodes[src].edges:
                nodes[src].edges.append(dst)
    return nodes


class Analysis:
    """Deepest stack use from each function: its frame plus the deepest
    callee, with the asm routines' fixed costs."""

    def __init__(self, nodes, mode, asm_costs, indirect_fallback=None, only=None):
        self.nodes = nodes
        self.mode = mode
        self.asm = asm_costs
        self.fallback = indirect_fallback
        self.only = only  # indirect calls reach only these functions (titles)
        self.memo = {}
        self.errors = []

    def indirect_targets(self, n):
        for rx, targets in INDIRECT.items():
            if re.search(rx, n.signature):
                return [t.title for t in self.nodes.values() if t.defined and
                        (self.only is None or t.title in self.only) and
                        any(re.search(p, t.signature) for p in targets)]
        return None

    def depth(self, title, stack=()):
        """(bytes, path) for the deepest call chain starting at `title`."""
        if title in self.memo:
            return self.memo[title]
        if title in stack:
            cycle = stack[stack.index(title):] + (title,)
            self.errors.append("%s code recurses: %s" % (self.mode, " -> ".join(self.pretty(t) for t in cycle)))
            return 0, [title]
        n = self.nodes.get(title)
        if n is None or not n.defined:
            name = n.name if n else title
            for asm, cost in self.asm.items():
                if name == asm or title == asm:
                    return cost, ["%s (asm, %d)" % (asm, cost)]
            self.errors.append("%s code calls %s, which has no stack information (not compiled with "
                               "-fcallgraph-info, or assembly: add its cost to stackcheck.py)"
                               % (self.mode, self.pretty(title)))
            return 0, [title]
        if n.dynamic:
            self.errors.append("%s: %s has a frame of unbounded size (alloca or a variable-length array)"
                               % (self.mode, self.pretty(title)))
        best, best_path = 0, []
        callees = list(n.edges)
        if n.indirect:
            targets = self.indirect_targets(n)
            if targets is not None:
                callees += [t for t in targets if t not in callees]
            elif self.fallback is not None:
                if self.fallback > best:
                    best, best_path = self.fallback, ["(indirect call, charged %d)" % self.fallback]
            else:
                self.errors.append("%s: %s makes an indirect call; list what it may call in "
                                   "scripts/stackcheck.py INDIRECT" % (self.mode, self.pretty(title)))
        for c in callees:
            d, p = self.depth(c, stack + (title,))
            if d > best:
                best, best_path = d, p
        res = (n.frame + best, [title] + best_path)
        self.memo[title] = res
        return res

    def pretty(self, title):
        n = self.nodes.get(title)
        if n is None:
            return title
        return n.name if n.defined or n.label else title

    def path_text(self, path):
        parts = []
        for t in path:
            n = self.nodes.get(t)
            if n is not None and n.defined:
                parts.append("%s (%d)" % (n.name, n.frame))
            else:
                parts.append(t)
        return " -> ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layout", required=True)
    ap.add_argument("--offsets", required=True)
    ap.add_argument("--ci16", nargs="*", default=[])
    ap.add_argument("--ci32", nargs="*", default=[])
    ap.add_argument("--cipi", nargs="*", default=[],
                    help="the position-independent objects' graphs (also in --ci32)")
    ap.add_argument("--report", help="write the report here too")
    a = ap.parse_args()
    lay = parse_defines(a.layout)
    off = parse_defines(a.offsets)
    frame = off["REGS16_SIZE"] + 4 + 4  # irqentry_common's frame, caller SS:SP, the handler call

    g16 = load_graph(a.ci16)
    g32 = load_graph(a.ci32)
    errors = []

    # Nested IRQs: their own frames and handlers, on whichever stack they hit.
    an16 = Analysis(g16, "16-bit", {"call32": CALL32_16})
    missing = [h for h in IRQ_HANDLERS if h not in g16 or not g16[h].defined]
    if missing:
        errors.append("IRQ handlers not found in the 16-bit call graph: " + ", ".join(missing))
    irq = max([an16.depth(h) for h in IRQ_HANDLERS if h in g16] or [(0, [])], key=lambda x: x[0])
    nest = 2 * (frame + irq[0])

    hooks = [an16.depth(h)[0] for h in INT10_HOOKS if h in g16 and g16[h].defined]
    int10 = frame + max(hooks) if hooks else 0

    services = sorted(t for t, n in g16.items() if n.defined and re.fullmatch(r"handle_\w+", t))
    svc = max([an16.depth(h) for h in services] or [(0, [])], key=lambda x: x[0])
    need16 = frame + svc[0] + nest + int10 + FOREIGN_RESERVE + CANARY

    # 32-bit: asm_call16 from a runtime 32-bit path lets an IRQ in (yield),
    # which nests on the same stack.
    an32 = Analysis(g32, "32-bit", {"asm_call16": ASM_CALL16 + nest + int10 + FOREIGN_RESERVE})
    roots32 = sorted(t for t, n in g32.items() if n.defined and t.startswith("c32_"))
    rt32 = max([an32.depth(r) for r in roots32] or [(0, [])], key=lambda x: x[0])
    need32 = CALL32_32 + rt32[0] + CANARY

    # POST: everything in the 32-bit graph; unresolved indirect calls (the
    # POST code's virtual interfaces) cost the deepest function there is.
    base = Analysis(g32, "32-bit", {"asm_call16": ASM_CALL16 + FOREIGN_POST_RESERVE},
                    indirect_fallback=0)
    deepest = max((base.depth(t)[0] for t, n in g32.items() if n.defined), default=0)
    anp = Analysis(g32, "32-bit POST", {"asm_call16": ASM_CALL16 + FOREIGN_POST_RESERVE},
                   indirect_fallback=deepest)
    post = anp.depth("post_main") if "post_main" in g32 else (0, ["post_main missing"])
    needp = post[0] + CANARY

    # BIOS32: position-independent code, no trampolines (checkrefs.py).
    # What it calls indirectly (the log's output callback) is its own.
    pi_titles = set(t for t, n in load_graph(a.cipi).items() if n.defined)
    anb = Analysis(g32, "32-bit BIOS32", {}, only=pi_titles)
    roots_b = sorted(t for t, n in g32.items() if n.defined and re.fullmatch(r"bios32_\w+", t))
    if not roots_b:
        errors.append("no bios32_* function (the $PCI entry's C++ side) in the 32-bit call graph")
    b32 = max([anb.depth(r) for r in roots_b] or [(0, [])], key=lambda x: x[0])
    needb = BIOS32_ENTRY + b32[0]

    errors += an16.errors + an32.errors + anp.errors + anb.errors
    stacks = [
        ("runtime 16-bit stack", need16, lay["RT_STACK_SIZE"], an16, svc[1],
         "service + 2 nested IRQs (%d each) + INT 10h hook %d + foreign %d" % (frame + irq[0], int10,
                                                                             FOREIGN_RESERVE)),
        ("runtime 32-bit stack", need32, lay["RT32_STACK_SIZE"], an32, rt32[1],
         "call32 entry, IRQs via yield(), INT 10h hook + foreign %d" % FOREIGN_RESERVE),
        ("POST stack", needp, lay["POST_STACK_TOP"] - 0x500, anp, post[1],
         "post_main, option ROMs %d" % FOREIGN_POST_RESERVE),
        ("BIOS32 caller's stack", needb, BIOS32_CALLER_STACK, anb, b32[1],
         "$PCI entry frame %d + bios32_*" % BIOS32_ENTRY),
    ]
    lines = []
    for name, need, size, an, path, how in stacks:
        line = "%s: %d of %d bytes (%s); deepest: %s" % (name, need, size, how, an.path_text(path))
        lines.append(line)
        if need > size:
            errors.append("%s too small: needs %d bytes, has %d: %s" % (name, need, size, an.path_text(path)))
    if a.report:
        with open(a.report, "w") as f:
            f.write("\n".join(lines) + "\n")
    if errors:
        for e in sorted(set(errors)):
            print("stackcheck: ERROR: " + e, file=sys.stderr)
        sys.exit(1)
    for name, need, size, *_ in stacks:
        print("  STACK   %-21s %5d of %5d bytes" % (name, need, size))


if __name__ == "__main__":
    main()
