#!/usr/bin/python3
"""Drive `roadvpn connect NAME` on a pseudo-terminal and check its secret
prompt (test-cli-ux.sh):

  pty-prompt.py answer  ROADVPN NAME   type the password right after the prompt:
                                       never echoed, and the connect goes on
  pty-prompt.py ctrl-c  ROADVPN NAME   Ctrl-C at the prompt: the process dies of
                                       SIGINT and the terminal echoes again
  pty-prompt.py too-long ROADVPN NAME  1500 bytes: refused with a message, exit 2
  pty-prompt.py eof     ROADVPN NAME   Ctrl-D: no answer, exit 12

Exit 0 when the check holds; the transcript goes to stderr.
"""
import fcntl
import os
import select
import subprocess
import sys
import termios
import time

SECRET = "pty-s3cret-typed"


def spawn(argv):
    master, slave = os.openpty()

    def make_ctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=make_ctty, close_fds=True)
    return proc, master, slave


def read_until(master, proc, want, seconds):
    """Read the terminal until `want` shows (or the process ends); the text."""
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and want.encode() not in out:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    return out.decode(errors="replace")


def finish(master, proc, seconds):
    rest = ""
    end = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < end:
        rest += read_until(master, proc, "\x00never", 0.2)
    rest += read_until(master, proc, "\x00never", 0.2)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        return None, rest
    return proc.returncode, rest


def main():
    mode, roadvpn, name = sys.argv[1:4]
    proc, master, slave = spawn([roadvpn, "connect", name])
    text = read_until(master, proc, "Password for %s: " % name, 15)
    if "Password for" not in text:
        sys.stderr.write(text)
        print("FAIL: no prompt", file=sys.stderr)
        return 1
    echo_off = not termios.tcgetattr(slave)[3] & termios.ECHO
    if mode == "answer":
        os.write(master, (SECRET + "\n").encode())
    elif mode == "ctrl-c":
        os.write(master, b"\x03")
    elif mode == "too-long":
        os.write(master, b"a" * 1500 + b"\n")
    elif mode == "eof":
        os.write(master, b"\x04")
    rc, rest = finish(master, proc, 15)
    text += rest
    echo_after = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
    sys.stderr.write(text + "\n[exit %s]\n" % rc)
    checks = [(echo_off, "echo was on while the prompt waited"),
              (rc is not None, "the process did not end (hung?)"),
              (echo_after, "the terminal was left with echo off"),
              (SECRET not in text, "the secret was echoed")]
    if mode == "answer":
        checks.append((rc == 0, "the connect did not go on after the answer"))
    elif mode == "ctrl-c":
        checks.append((rc == -2, "not ended by SIGINT"))
    elif mode == "too-long":
        checks.append((rc == 2 and "longer than 1024 bytes" in text, "no refusal"))
    elif mode == "eof":
        checks.append((rc == 12, "Ctrl-D did not end it with 12"))
    failed = [why for ok, why in checks if not ok]
    for why in failed:
        print("FAIL: " + why, file=sys.stderr)
    return 1 if failed else 0


sys.exit(main())
