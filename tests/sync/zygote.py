"""Pre-imports kiosk-admin once, then forks one fresh ``kiosk-admin`` process per request.

Python start-up on the shared CI machine takes ~1 s; forking a warmed-up interpreter makes the
twenty-plus SIGKILL restarts of the kill test cheap while each child is still a real, separate
``kiosk-admin`` process with its own database connections. Protocol on stdin/stdout, one JSON
line each: the test sends an argv list, the zygote answers ``{"pid": N}`` at once and
``{"exit": code}`` (negative: killed by that signal) when the child ends.
"""

from __future__ import annotations

import json
import os
import sys

import kiosk.admin.cli as cli

cli.build_parser()  # imports every command module before forking
# ...and what the commands import on first use (the kiosk defers these to start faster), so each
# forked child reaches its first send quickly and the kill windows land mid-drain.
import jsonschema  # noqa: E402, F401

import kiosk.sync.hooks  # noqa: E402
import kiosk.sync.https_transport  # noqa: E402, F401

for line in sys.stdin:
    argv = json.loads(line)
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        code = 1
        try:
            code = cli.main(argv)
        finally:
            os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    print(json.dumps({"exit": code}), flush=True)
