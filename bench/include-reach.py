#!/usr/bin/env python3
# How many production translation units reach a heavy header (Asio or Beast by default)
# through their #include chains, following the project's own headers (issue 13 item 5),
# and which of our headers carry the weight to the most of them.
#
# Production = the .cpp files under src/ and services/ that compile_commands.json lists
# (tests, bench tools and fuzzers are not counted). Quoted includes are resolved as the
# compiler does: the including file's folder first, then the -I folders inside the
# repository; system headers are not followed, only recognised as heavy by their path.
#
#   bench/include-reach.py [--compile-commands build/asan/compile_commands.json]
#                          [--heavy 'boost/(asio|beast)'] [--top 15] [--list]
import argparse
import json
import os
import re
import shlex
import sys
from collections import Counter
from functools import lru_cache

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--root", default=root, help="repository root (default: this checkout)")
    parser.add_argument("--compile-commands", default=None,
                        help="default: <root>/build/asan/compile_commands.json")
    parser.add_argument("--heavy", default=r"^boost/(asio|beast)(\.hpp|/)",
                        help="regex on a system include path that counts as heavy")
    parser.add_argument("--top", type=int, default=15, help="offenders to list")
    parser.add_argument("--list", action="store_true",
                        help="also list every production TU that reaches a heavy header")
    return parser.parse_args()


def main():
    arguments = parse_arguments()
    root = os.path.realpath(arguments.root)
    commands_path = arguments.compile_commands or os.path.join(
        root, "build", "asan", "compile_commands.json")
    with open(commands_path) as handle:
        commands = json.load(handle)
    heavy = re.compile(arguments.heavy)

    units = {}  # production .cpp → its -I folders inside the repository
    for entry in commands:
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        relative = os.path.relpath(path, root)
        if not (relative.startswith("src/") or relative.startswith("services/")):
            continue
        words = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        folders = []
        for index, word in enumerate(words):
            folder = None
            if word.startswith("-I") and len(word) > 2:
                folder = word[2:]
            elif word in ("-I", "-iquote") and index + 1 < len(words):
                folder = words[index + 1]
            if folder:
                folder = os.path.realpath(os.path.join(entry["directory"], folder))
                if folder.startswith(root + os.sep):
                    folders.append(folder)
        units[path] = tuple(folders)

    @lru_cache(maxsize=None)
    def includes_of(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return INCLUDE.findall(handle.read())
        except OSError:
            return []

    def resolve(name, including, folders):
        for folder in (os.path.dirname(including),) + folders:
            candidate = os.path.realpath(os.path.join(folder, name))
            if os.path.isfile(candidate):
                return candidate
        return None

    @lru_cache(maxsize=None)
    def closure(path, folders):
        """Own files reached from `path` (itself included) and the heavy headers it names
        directly: (own files, {own file: heavy headers it includes itself})."""
        seen = {path}
        direct_heavy = {}
        stack = [path]
        while stack:
            current = stack.pop()
            for kind, name in includes_of(current):
                if kind == '"' or not heavy.search(name):
                    own = resolve(name, current, folders)
                    if own and own.startswith(root + os.sep) and own not in seen:
                        seen.add(own)
                        stack.append(own)
                if kind == "<" and heavy.search(name):
                    direct_heavy.setdefault(current, set()).add(name)
        return frozenset(seen), direct_heavy

    reaching = []
    carriers = Counter()  # own header that includes a heavy header itself → TUs reached
    for unit, folders in sorted(units.items()):
        files, direct_heavy = closure(unit, folders)
        if not direct_heavy:
            continue
        reaching.append(unit)
        for carrier in direct_heavy:
            if carrier != unit:
                carriers[carrier] += 1

    # A header's weight: production TUs that include it (through any chain) and so reach
    # something heavy through it. Headers that include no heavy header themselves but
    # pull in one that does are listed too, as "via".
    fan_in = Counter()
    for unit, folders in units.items():
        files, _ = closure(unit, folders)
        for file in files:
            if file != unit and file.endswith((".hpp", ".h")):
                own_files, own_heavy = closure(file, folders)
                if own_heavy:
                    fan_in[file] += 1

    print(f"production translation units: {len(units)}")
    print(f"reach {arguments.heavy}: {len(reaching)} of {len(units)}")
    print(f"\nheaders through which the most production TUs reach it (top {arguments.top}):")
    for header, count in fan_in.most_common(arguments.top):
        own = "includes it" if header in carriers else "via an own header"
        print(f"  {count:4d}  {os.path.relpath(header, root)}  ({own})")
    if arguments.list:
        print("\nproduction TUs that reach it:")
        for unit in reaching:
            print(f"  {os.path.relpath(unit, root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
