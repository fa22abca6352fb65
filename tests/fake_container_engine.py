"""A stand-in for ``docker`` in the tests (this machine has the CLI but no engine): it honours
the volume mounts and environment the grader asks for and runs the image's command with this interpreter, so the
container backend's protocol — plan in, observations out, kill by name on timeout — is exercised
end to end. It isolates nothing; the real engine's flags are checked separately."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograder.protocol import PIDNS_ENV  # noqa: E402

STATE = Path(os.environ.get("FAKE_ENGINE_STATE", "/tmp/fake-engine"))


def main(argv: list[str]) -> int:
    if argv[0] == "version":
        print("fake-engine 1.0")
        return 0
    if argv[0] == "kill":
        pid = int((STATE / argv[1]).read_text())
        os.killpg(pid, signal.SIGKILL)
        (STATE / f"killed-{argv[1]}").touch()
        return 0
    assert argv[0] == "run", argv
    args, mounts, env, name, i = argv[1:], {}, {}, None, 0
    while not args[i].startswith("autograder-grading") and args[i] != "IMAGE":
        if args[i] == "-v":
            src, dst, *_ = args[i + 1].split(":")
            mounts[dst] = src
            i += 2
        elif args[i] == "-e":
            key, _, value = args[i + 1].partition("=")
            # never the own-PID-namespace flag: with it the harness reaps strays by kill(-1), and
            # here (no namespace, maybe root) that would reach every process on the machine
            if key != PIDNS_ENV:
                env[key] = value
            i += 2
        elif args[i] == "--name":
            name = args[i + 1]
            i += 2
        elif args[i] in ("--rm", "--init", "--read-only"):
            i += 1
        else:
            i += 2
    command = args[i + 1:]
    root = Path(mounts["/grading/in"]).parent  # the grader's work folder holds in/ and out/
    command = [sys.executable if c == "python" else (str(root) if c == "/grading" else c) for c in command]
    STATE.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(command, start_new_session=True, cwd=mounts["/grading/out"],
                            env={**os.environ, **env, "OMP_NUM_THREADS": "1"})
    (STATE / name).write_text(str(proc.pid))
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
