"""Start the sandboxed child: bubblewrap namespaces where available, rlimits always.

bubblewrap gives: no network, a private /tmp and PID namespace, an unprivileged uid, and a
read-only view of exactly the interpreter, the libraries and ``autograder.inside`` — not the
course repository (hidden tests, solutions), other submissions or the gradebook. rlimits bound
memory, CPU time, file size and core dumps per process; cgroups (where writable, see
``engine.cgroups``) bound processes and the whole submission's memory, /tmp included.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.engine.cgroups import SandboxCgroups
from autograder.engine.limits import Limits
from autograder.engine.netns import NetnsWatch
from autograder.protocol import ADDRESS_SPACE_ENV, PIDNS_ENV, READY_FD_ENV

SANDBOX_ROOT = "/grading"
NOBODY = 65534


@dataclass(frozen=True)
class SandboxRun:
    returncode: int | None
    timed_out: bool
    seconds: float
    isolation: str
    stderr_tail: str
    started: bool = False  # the harness said so through the grader's pipe, before any student code ran
    network: str | None = None  # what the sandbox's own network counters say it tried (engine.netns)


@functools.cache
def _bwrap_works() -> bool:
    exe = shutil.which("bwrap")
    if not exe:
        return False
    probe = subprocess.run([exe, "--unshare-all", "--ro-bind", "/", "/", "true"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


def _world_reachable(path: Path) -> bool:
    """Can an unprivileged uid (by the 'other' permission bits) reach and run ``path``?"""
    path = path.resolve()
    dirs_ok = all(p.stat().st_mode & stat.S_IXOTH for p in path.parents)
    return dirs_ok and bool(path.stat().st_mode & stat.S_IXOTH)


@functools.cache
def _container_engine_problem(engine: str) -> str | None:
    """Why ``engine`` cannot run grading containers here (None: it can)."""
    exe = shutil.which(engine)
    if not exe:
        return f"grading.isolation is 'container' but {engine} is not installed"
    try:
        probe = subprocess.run([exe, "version", "--format", "{{.Server.Version}}"], capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return f"{engine} did not answer within 30 s"
    if probe.returncode != 0:
        return (f"{engine} is installed but cannot reach its engine (daemon): "
                f"{probe.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return None


def choose_isolation(requested: str = "auto", engine: str = "docker") -> str:
    if requested == "container":
        problem = _container_engine_problem(engine)
        if problem:
            raise SandboxUnavailable(f"{problem} — start the engine, or set grading.isolation to auto")
        return "container"
    found = "rlimit" if requested == "rlimit" else ("bwrap" if _bwrap_works() else "rlimit")
    if requested == "bwrap" and found != "bwrap":
        raise SandboxUnavailable("grading.isolation is 'bwrap' but bubblewrap is missing or cannot create "
                                 "namespaces here (install the 'bubblewrap' package)")
    if found == "rlimit" and os.getuid() == 0 and not _world_reachable(Path(sys.executable)):
        raise SandboxUnavailable(
            f"without bubblewrap, student code runs as uid {NOBODY}, which cannot reach the interpreter "
            f"{Path(sys.executable).resolve()} — install the 'bubblewrap' package (recommended), or use a "
            "Python installed where every user can read it")
    return found


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start safely here; grading stops with this message (never a zero)."""


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            args += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        if Path(f).exists():
            args += ["--ro-bind", f, f]
    return args


def _python_binds() -> list[str]:
    """The interpreter, its libraries and only the ``autograder`` package of this checkout."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(autograder.__file__).resolve().parent}
    exe = Path(sys.executable)
    paths.add(exe.parent)
    args = []
    for p in sorted(paths, key=lambda p: len(p.parts)):
        if not str(p).startswith("/usr/"):
            args += ["--ro-bind", str(p), str(p)]
    return args


@functools.cache
def public_datasets() -> tuple[str, ...]:
    """The dataset files scikit-learn ships (digits, iris, …): every case that holds data out draws it
    from one of them, so no sandbox may read them (a function could look its inputs' labels up)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return ()
    root = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    return tuple(sorted(str(p) for folder in ("data", "descr", "images") if (root / folder).is_dir()
                        for p in (root / folder).rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")))


def _hidden(limits: Limits) -> list[str]:
    """Files the grader keeps to itself (public copies of held-out data): empty inside."""
    files = dict.fromkeys([*public_datasets(), *limits.hidden_files])
    return [arg for f in files if Path(f).is_file() for arg in ("--ro-bind", "/dev/null", f)]


def bwrap_command(workdir: Path, limits: Limits, *, zygote: bool = False, env: dict[str, str] | None = None) -> list[str]:
    """One submission's sandbox (``workdir/in`` read-only, ``workdir/out`` writable), or with
    ``zygote`` a warm one serving submissions from folders under ``workdir`` (engine.pool)."""
    exchange = ["--ro-bind", str(workdir / "in"), f"{SANDBOX_ROOT}/in",
                "--bind", str(workdir / "out"), f"{SANDBOX_ROOT}/out"]
    command = ([sys.executable, "-I", "-m", "autograder.inside.zygote"] if zygote else
               [sys.executable, "-I", "-m", "autograder.inside.child", SANDBOX_ROOT])
    return [
        "bwrap", "--unshare-all", "--die-with-parent", "--new-session", *(["--as-pid-1"] if zygote else []),
        "--uid", str(NOBODY), "--gid", str(NOBODY),
        # later mounts cover earlier ones: the private /tmp first, so that an interpreter
        # or checkout that lives under /tmp stays visible
        # /tmp and /dev/shm are memory on the host: sized tmpfs, not bwrap's unbounded defaults
        "--size", str(limits.tmp_mb << 20), "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
        "--size", str(limits.tmp_mb << 20), "--tmpfs", "/dev/shm",
        *_system_binds(), *_python_binds(), *_hidden(limits), *exchange,
        # bwrap's root is a tmpfs: read-only, so that only the sized /tmp, /dev/shm and out/ take writes
        "--remount-ro", "/",
        "--chdir", "/tmp", "--clearenv",
        "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "PYTHONHASHSEED", "0",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "MPLBACKEND", "Agg",
        "--setenv", PIDNS_ENV, "1",  # tells the child it may kill(-1) its strays
        *[arg for k, v in (env or {}).items() for arg in ("--setenv", k, v)],
        *command,
    ]


def container_command(workdir: Path, limits: Limits, name: str) -> list[str]:
    """``docker run`` (or podman) of the grading image with the same child protocol as bwrap:
    no network, read-only root, private /tmp, unprivileged user, no capabilities, memory, CPU,
    process and file-size limits, and the GPU only when the course asks for it."""
    fsize = max(limits.max_output_kb << 10, 256 << 20)
    env = {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "HOME": "/tmp", PIDNS_ENV: "1", READY_FD_ENV: "1",  # no fd can be passed in: the handshake is stdout's
           **({} if limits.gpus else {ADDRESS_SPACE_ENV: str(limits.memory_mb)})}
    return [
        limits.container_engine, "run", "--rm", "--name", name, "--init",
        "--network", "none", "--read-only", "--tmpfs", f"/tmp:rw,nosuid,nodev,size={limits.tmp_mb}m",
        "--user", f"{NOBODY}:{NOBODY}", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m",
        "--pids-limit", str(limits.max_processes), "--cpus", "1",
        "--ulimit", f"cpu={limits.cpu_s}", "--ulimit", f"fsize={fsize}", "--ulimit", "core=0",
        # explicit, not the engine's defaults: podman's (nofile 1048576, nproc 4194304) exceed some
        # hosts' hard limits and the container then fails to start. nproc counts every sandbox of
        # uid 65534 on the host, so it only backs up --pids-limit.
        "--ulimit", "nofile=1024:1024", "--ulimit", f"nproc={limits.max_processes * 16}",
        *[arg for k, v in env.items() for arg in ("-e", f"{k}={v}")],
        "-v", f"{workdir / 'in'}:{SANDBOX_ROOT}/in:ro", "-v", f"{workdir / 'out'}:{SANDBOX_ROOT}/out:rw",
        "--workdir", "/tmp",
        *(["--gpus", "all"] if limits.gpus else []),
        limits.container_image, "python", "-I", "-m", "autograder.inside.child", SANDBOX_ROOT,
    ]


def rlimit_command(workdir: Path) -> list[str]:
    return [sys.executable, "-I", "-m", "autograder.inside.child", str(workdir)]


def limits_preexec(limits: Limits, cgroup: SandboxCgroups, drop_root: bool):
    """What runs between fork and exec of a sandbox: its own session, its cgroups, rlimits,
    and (rlimit fallback as root) the unprivileged uid."""
    mem = limits.memory_mb << 20
    fsize = max(limits.max_output_kb << 10, 256 << 20)  # arrays and logs; output limit checked per case

    def preexec() -> None:
        os.setsid()
        cgroup.join()
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
        if drop_root:  # bwrap switches uid itself; the fallback must not run student code as root
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    return preexec


def child_env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "HOME": str(home),
            "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}


def _wait(proc: subprocess.Popen, seconds: float) -> bool:
    """True when ``proc`` is still running after ``seconds``."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        return True


def _killpg(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path, size: int = 4000) -> str:
    with open(path, "rb") as f:
        f.seek(max(f.seek(0, os.SEEK_END) - size, 0))
        return f.read(size).decode("utf-8", "replace")


def run(workdir: Path, limits: Limits) -> SandboxRun:
    """Run the child on ``workdir`` (which holds in/plan.json) under all limits."""
    isolation = choose_isolation(limits.isolation, limits.container_engine)
    if isolation == "container":
        return _run_container(workdir, limits)
    ready_read, ready_write = os.pipe()
    ready = {READY_FD_ENV: str(ready_write)}
    cmd = bwrap_command(workdir, limits, env=ready) if isolation == "bwrap" else rlimit_command(workdir)
    cgroup = SandboxCgroups(limits)
    drop_root = isolation == "rlimit" and os.getuid() == 0
    preexec = limits_preexec(limits, cgroup, drop_root)
    start = time.monotonic()
    stderr_path = workdir / "sandbox.stderr"
    env = {**child_env(workdir / "out"), **ready}
    try:
        with open(stderr_path, "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err, pass_fds=(ready_write,),
                                    preexec_fn=preexec, env=env, cwd=workdir / "out")
            os.close(ready_write)
            ready_write = -1
            net = NetnsWatch.attach(proc.pid) if isolation == "bwrap" else None
            try:
                timed_out = _wait(proc, limits.wall_s)
            finally:
                _killpg(proc)
                cgroup.kill_all()
                proc.wait()
            network = net.used_since() if net else None
            if net:
                net.close()
        os.set_blocking(ready_read, False)
        try:
            started = os.read(ready_read, 1) == b"S"
        except BlockingIOError:
            started = False
    finally:
        os.close(ready_read)
        if ready_write >= 0:
            os.close(ready_write)
    tail = _tail(stderr_path)
    label = isolation + ("+nobody" if drop_root else "") + cgroup.label
    return SandboxRun(None if timed_out else proc.returncode, timed_out, time.monotonic() - start, label, tail,
                      started, network)


def _run_container(workdir: Path, limits: Limits) -> SandboxRun:
    """The container engine enforces the limits; the wall clock is ours (the container is
    killed by name, since killing the client alone would leave it running). The harness's handshake
    is the container's first byte on stdout, written before any student code: what runs later can
    add output, never take that byte back, so a submission cannot pass for a sandbox that never started."""
    name = f"autograder-{uuid.uuid4().hex[:12]}"
    cmd = container_command(workdir, limits, name)
    start = time.monotonic()
    stderr_path, stdout_path = workdir / "sandbox.stderr", workdir / "sandbox.stdout"
    with open(stderr_path, "wb") as err, open(stdout_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        timed_out = True  # until it returns in time
        try:
            timed_out = _wait(proc, limits.wall_s)
        finally:
            if timed_out:
                subprocess.run([limits.container_engine, "kill", name], capture_output=True, timeout=60)
                _killpg(proc)
            proc.wait()
    with open(stdout_path, "rb") as out:
        started = out.read(1) == b"S"
    tail = _tail(stderr_path)
    label = f"container:{limits.container_engine}" + ("+gpu" if limits.gpus else "")
    return SandboxRun(None if timed_out else proc.returncode, timed_out, time.monotonic() - start, label, tail,
                      started)
