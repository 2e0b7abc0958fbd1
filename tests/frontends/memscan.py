#!/usr/bin/python3
# Count the copies of each STRING in the memory of a running process, as a
# core would hold them: every readable mapping, read through /proc/PID/mem
# (root may read it even when the process is not dumpable). Mappings larger
# than 1 GiB are skipped: in an AddressSanitizer build those are its shadow
# and reserved allocator space (terabytes of mostly unbacked pages, nothing
# of the program's data), which would make gcore write a core of that size.
#   memscan.py PID STRING...   -> one "COUNT STRING" line each
import sys

MAX_MAPPING = 1 << 30
CHUNK = 1 << 22

pid, needles = sys.argv[1], [s.encode() for s in sys.argv[2:]]
counts = dict.fromkeys(needles, 0)
overlap = max(len(n) for n in needles) - 1


def scan(mem, lo, hi):
    tail = b""
    while lo < hi:
        mem.seek(lo)
        chunk = mem.read(min(CHUNK, hi - lo))
        if not chunk:
            return
        lo += len(chunk)
        data = tail + chunk
        for n in needles:
            counts[n] += data.count(n)
        # The end goes on with the next chunk (a string may straddle two);
        # what lies wholly inside it is counted there, not twice.
        tail = data[-overlap:] if overlap and lo < hi else b""
        for n in needles:
            counts[n] -= tail.count(n)


with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        fields = line.split()
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        if fields[1][0] != "r" or hi - lo > MAX_MAPPING:
            continue
        try:
            scan(mem, lo, hi)
        except OSError:
            continue  # [vvar] and the like
for n in needles:
    print(counts[n], n.decode())
