#!/usr/bin/env python3
"""Memory of one process from /proc, for bench-memory.sh (issue 7, item 4).

  memory-report.py sample PID                 key value lines (KiB): status + smaps_rollup
  memory-report.py table LABEL=FILE...        the samples side by side, with the
                                              increment per connection between
                                              the last two ("1=... 20=...")
  memory-report.py mappings PID [TOP]         RSS per mapping (library, heap,
                                              anonymous), largest first

RSS counts every resident page the process maps, shared library pages
included (a page of libcrypto in use by ten processes counts in each); PSS
divides shared pages by their number of users; Private_Dirty is what the
process alone costs the machine (heap, stacks, written data of libraries).
"""
import os
import sys

STATUS_KEYS = ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads")
ROLLUP_KEYS = ("Pss", "Pss_Anon", "Pss_File", "Shared_Clean", "Private_Clean",
               "Private_Dirty")
# What table prints, in this order: (key, heading).
COLUMNS = (("VmRSS", "RSS"), ("RssAnon", "anon"), ("RssFile", "file"),
           ("Pss", "PSS"), ("Private_Dirty", "priv-dirty"), ("Threads", "threads"))


def read_fields(path, keys):
    out = {}
    with open(path) as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in keys:
                out[name] = int(rest.split()[0])
    return out


def sample(pid):
    values = read_fields(f"/proc/{pid}/status", STATUS_KEYS)
    values.update(read_fields(f"/proc/{pid}/smaps_rollup", ROLLUP_KEYS))
    values["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    for key in STATUS_KEYS + ROLLUP_KEYS + ("fds",):
        print(key, values.get(key, 0))


def load_sample(path):
    with open(path) as f:
        return {k: int(v) for k, v in (line.split() for line in f if line.strip())}


def mib(kib):
    return "%.2f" % (kib / 1024.0)


def table(args):
    rows = []
    for arg in args:
        label, _, path = arg.partition("=")
        rows.append((label, load_sample(path)))
    print("  %-16s" % "connections" + "".join("%11s" % h for _, h in COLUMNS) + "   (MiB)")
    for label, s in rows:
        print("  %-16s" % label + "".join(
            "%11s" % (s[k] if k == "Threads" else mib(s[k])) for k, _ in COLUMNS))
    if len(rows) >= 2:
        (l1, s1), (l2, s2) = rows[-2], rows[-1]
        n = int(l2) - int(l1)
        if n > 0:
            print("  %-16s" % ("per connection") + "".join(
                "%11s" % ("%.1f" % ((s2[k] - s1[k]) / n) if k == "Threads"
                          else "%.0f KiB" % ((s2[k] - s1[k]) / n)) for k, _ in COLUMNS)
                  + "   ((%s - %s) / %d)" % (l2, l1, n))


def mapping_name(header):
    """The library's file name, or the kind of anonymous memory."""
    parts = header.split(None, 5)
    path = parts[5].strip() if len(parts) > 5 else ""
    if not path:
        return "[anonymous]"   # malloc arenas, thread stacks, mmap'd buffers
    if path.startswith("["):
        return path
    return os.path.basename(path).replace(" (deleted)", "")


def mappings(pid, top):
    sums = {}
    name = None
    keys = ("Rss", "Pss", "Private_Dirty", "Anonymous")
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            field, _, rest = line.partition(":")
            if not line.split(None, 1)[0].endswith(":"):   # "start-end perms ... path"
                name = mapping_name(line)
                sums.setdefault(name, dict.fromkeys(keys, 0))
            elif field in keys and name is not None:
                sums[name][field] += int(rest.split()[0])
    total = {k: sum(s[k] for s in sums.values()) for k in keys}
    ranked = sorted(sums.items(), key=lambda kv: -kv[1]["Rss"])
    print("  %-28s %9s %9s %13s %9s" % ("mapping", "RSS KiB", "PSS KiB", "private dirty",
                                        "anon KiB"))
    for n, s in ranked[:top]:
        print("  %-28s %9d %9d %13d %9d" % (n, s["Rss"], s["Pss"], s["Private_Dirty"],
                                             s["Anonymous"]))
    rest = ranked[top:]
    if rest:
        print("  %-28s %9d %9d %13d %9d" % ("(%d more)" % len(rest),
                                             *(sum(s[k] for _, s in rest) for k in keys)))
    print("  %-28s %9d %9d %13d %9d" % ("total", *(total[k] for k in keys)))


def main(argv):
    if len(argv) >= 2 and argv[0] == "sample":
        sample(argv[1])
    elif len(argv) >= 2 and argv[0] == "table":
        table(argv[1:])
    elif len(argv) >= 2 and argv[0] == "mappings":
        mappings(argv[1], int(argv[2]) if len(argv) > 2 else 20)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
