#!/usr/bin/env python3
"""Prints which folder of the core library uses which, from type definitions and uses.

A folder "uses" another when one of its Swift files names a type (struct, class, enum, protocol,
actor, typealias) defined in the other. With --check, exits 1 when the graph has a cycle, or when
an edge goes against the layer order written in LAYERS below (which ARCHITECTURE.md describes),
and prints the type names behind each bad edge so the fix is obvious.

Why a script of our own: the question is about our folder layout, which no Swift tool knows; a
regular-expression scan is enough because type names in this code base are unique CamelCase words.
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# Each source root is a target; within the core targets a folder is a layer. Lower index = lower layer.
# A folder may use folders at its own index or below (same index: siblings that must not use each other).
LAYERS = [
    ("Support",),
    ("Parsing", "Plan", "Catalog", "Store"),
    ("Rules",),
    ("Configuration",),
    ("Checking",),
    ("Postgres",),
    ("Advisor",),
    ("Results",),
    ("History",),
    ("Logs", "Baseline"),
    ("Analysis",),
    ("Commands",),
]
CORE_ROOTS = ["Sources/PGTuneQueryCore", "Sources/PGTuneQuery"]
# Folders of the parser-only core target: they must not use a folder of the outer target.
CORE_TARGET = {"Support", "Parsing", "Plan", "Catalog", "Rules", "Configuration", "Checking"}

DEFINITION = re.compile(
    r"^(?:(?:public|internal|private|fileprivate|package|final|indirect|nonisolated)\s+)*"
    r"(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z][A-Za-z0-9_]*)",
    re.M)
WORD = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def folders():
    """Yields (folder, path) for every Swift file of the core targets."""
    for root in CORE_ROOTS:
        base = os.path.join(ROOT, root)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), base)
                folder = rel.split(os.sep)[0] if os.sep in rel else "Support"
                if folder == "Exports.swift":
                    continue
                yield folder, os.path.join(dirpath, name)


def main():
    check = "--check" in sys.argv
    defined = {}
    texts = defaultdict(list)
    for folder, path in folders():
        with open(path, encoding="utf-8") as f:
            text = STRING.sub('""', COMMENT.sub("", f.read()))
        texts[folder].append(text)
        for name in DEFINITION.findall(text):
            defined.setdefault(name, folder)
    edges = defaultdict(lambda: defaultdict(set))
    for folder, chunks in texts.items():
        for text in chunks:
            for word in set(WORD.findall(text)):
                owner = defined.get(word)
                if owner and owner != folder:
                    edges[folder][owner].add(word)

    layer_of = {f: i for i, group in enumerate(LAYERS) for f in group}
    problems = []
    for folder in sorted(edges):
        for target in sorted(edges[folder]):
            print(f"{folder} -> {target}  ({', '.join(sorted(edges[folder][target])[:6])})")
            if folder not in layer_of or target not in layer_of:
                problems.append(f"{folder} or {target} is not in a layer (scripts/layer-graph.py LAYERS)")
            elif layer_of[target] >= layer_of[folder]:
                problems.append(
                    f"{folder} -> {target} points up or sideways: "
                    f"{', '.join(sorted(edges[folder][target]))}")
    problems += long_run_methods()
    cycle = find_cycle({f: set(t) for f, t in edges.items()})
    if cycle:
        problems.append("cycle: " + " -> ".join(cycle))
    for problem in problems:
        print("error: " + problem, file=sys.stderr)
    if check and problems:
        return 1
    if check:
        print(f"layer check: {len(texts)} folders, no cycle, every edge points down")
    return 0


MAX_RUN_LINES = 25


def long_run_methods():
    """Commands stay thin: each subcommand's run() has at most MAX_RUN_LINES lines of body."""
    problems = []
    base = os.path.join(ROOT, "Sources/pgtune-query/Subcommands")
    for name in sorted(os.listdir(base)):
        lines = open(os.path.join(base, name), encoding="utf-8").read().split("\n")
        for number, line in enumerate(lines):
            if re.match(r"^\s*(mutating )?func run\(\)( async)?( throws)? \{\s*$", line):
                indent = len(line) - len(line.lstrip())
                end = next(i for i in range(number + 1, len(lines))
                           if lines[i].strip() == "}" and len(lines[i]) - len(lines[i].lstrip()) == indent)
                body = end - number - 1
                print(f"{name}:{number + 1}: run() {body} lines")
                if body > MAX_RUN_LINES:
                    problems.append(f"{name}:{number + 1}: run() has {body} lines (at most {MAX_RUN_LINES}): move the work into the library")
    return problems


def find_cycle(graph):
    """Depth-first search; returns one cycle as a list of folders, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


if __name__ == "__main__":
    sys.exit(main())
