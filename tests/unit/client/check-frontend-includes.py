#!/usr/bin/env python3
"""Front ends reach roadvpnd only through libroadvpn-client: compiled with a
front end's own flags (from compile_commands.json), an engine header
(client-core/src) must not be found, and the library's header must be.

Usage: check-frontend-includes.py BUILD_DIR
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

FRONT_ENDS = ("cli/", "gui/", "nm-plugin/")
ENGINE = ('#include "session/phase.h"\n', '#include "util/log.h"\n',
          '#include "rv-dbus.h"\n', '#include "dbus/errors.h"\n')
LIBRARY = '#include <roadvpn-client/roadvpn-client.h>\n'


def front_end_commands(build):
    """One compile command per front-end target directory (-I of its sources)."""
    seen = {}
    for entry in json.load(open(os.path.join(build, "compile_commands.json"))):
        rel = os.path.relpath(os.path.join(entry["directory"], entry["file"]),
                              os.path.join(build, ".."))
        if rel.startswith(FRONT_ENDS):
            seen.setdefault(os.path.dirname(rel), entry)
    return seen


def drop_depfile_flags(args):
    """-MD, and -MQ/-MF with their values: the probe writes no depfile."""
    kept, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-MQ", "-MF"):
            skip = True
        elif a != "-MD":
            kept.append(a)
    return kept


def compiles(entry, text):
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write(text + "int rv_probe;\n")
    args = shlex.split(entry["command"])
    src = args.index("-c") + 1
    args[src] = f.name
    out = args.index("-o") + 1
    args[out] = f.name + ".o"
    args = drop_depfile_flags(args)
    r = subprocess.run(args, cwd=entry["directory"], capture_output=True, text=True)
    for p in (f.name, f.name + ".o"):
        if os.path.exists(p):
            os.unlink(p)
    return r.returncode == 0


def main():
    commands = front_end_commands(sys.argv[1])
    if not any(d.startswith("cli") for d in commands):
        print("SKIP: no front end in compile_commands.json")
        return 77
    failed = False
    for folder, entry in sorted(commands.items()):
        for inc in ENGINE:
            if compiles(entry, inc):
                print(f"FAIL: {folder} can {inc.strip()}: front ends must see only "
                      "libroadvpn-client/include")
                failed = True
        if folder.startswith("cli") and not compiles(entry, LIBRARY):
            print(f"FAIL: {folder} cannot include <roadvpn-client/roadvpn-client.h>")
            failed = True
        print(f"{folder}: engine headers unreachable")
    return 1 if failed else 0


sys.exit(main())
