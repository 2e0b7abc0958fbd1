#!/usr/bin/python3
"""Check the documented --json shapes of the roadvpn CLI (docs/cli.md).

  json-check.py status FILE NAME STATE [EXIT]   `status NAME --json`
  json-check.py list FILE NAME STATE            `list --json`
"""
import json
import sys

STATUS_KEYS = {
    "name": str, "state": str, "interface": str, "address": str, "peer-address": str,
    "dns": list, "routes": list, "mtu": int, "auth-method": str, "owner": int,
    "connected-since": int, "statistics": dict, "last-error": dict, "exit-code": int,
}
LIST_KEYS = {
    "name": str, "restricted": bool, "invalid": (str, type(None)), "gateway": str,
    "user": str, "ipsec": bool, "allowed-users": list, "state": str, "last-error": dict,
    "exit-code": int,
}


def check_keys(obj, keys):
    problems = [k for k in keys if k not in obj or not isinstance(obj[k], keys[k])]
    problems += [k for k in obj if k not in keys]
    return ["key %s missing, extra or of another type" % k for k in problems]


def main():
    kind, path, name, state = sys.argv[1:5]
    data = json.load(open(path))
    keys = STATUS_KEYS if kind == "status" else LIST_KEYS
    mine = [o for o in data if o.get("name") == name]
    problems = []
    if kind == "status" and len(data) != 1:
        problems.append("status NAME gave %d objects" % len(data))
    if len(mine) != 1:
        problems.append("%s is not listed once" % name)
    for o in mine:
        problems += check_keys(o, keys)
        if o.get("state") != state:
            problems.append("state %s, expected %s" % (o.get("state"), state))
        err = o.get("last-error", {})
        if set(err) != {"phase", "reason", "message"}:
            problems.append("last-error keys %s" % sorted(err))
        if len(sys.argv) > 5 and o.get("exit-code") != int(sys.argv[5]):
            problems.append("exit-code %s" % o.get("exit-code"))
        if len(sys.argv) > 5 and not err.get("reason"):
            problems.append("no failure reason")
        if kind == "status" and o.get("connected-since", 0) > 4102444800:
            problems.append("connected-since is not in seconds")
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    if problems:
        print(open(path).read(), file=sys.stderr)
    return 1 if problems else 0


sys.exit(main())
