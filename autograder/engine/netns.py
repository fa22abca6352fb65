"""Did a sandbox try to use the network? Asked of the kernel, not of the student's process.

A sandbox has a network namespace of its own with only loopback, so nothing leaves the machine;
but "no network use" is a graded item (week 7), and a profile hook in the student's process saw
``urllib`` and missed ``_socket``, a subprocess or ``os.system``. Every attempt, by any process of
the sandbox, moves the namespace's own counters: a connection to another host or a DNS lookup
fails its route lookup (``Ip.OutNoRoutes``, ``Ip6OutNoRoutes``), one to 127.0.0.1 sends packets on
``lo``. The grader holds the namespace open by a file descriptor from the moment the sandbox starts
(before any student code), and reads the counters from a thread that joins the namespace
(``setns``), so exiting or killing every process in the sandbox cannot take the evidence away.
Needs CAP_SYS_ADMIN over the namespace (the grader as root, as in CI); elsewhere ``attach`` gives
None and the in-process check alone decides.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
# counters that any attempt to reach the network moves (see the module docstring)
WATCHED = ("Ip.OutRequests", "Ip.OutNoRoutes", "Ip6OutRequests", "Ip6OutNoRoutes", "lo.tx_packets",
           "Udp.OutDatagrams", "Tcp.ActiveOpens", "Udp6OutDatagrams")


def _parse(snmp: str, snmp6: str, dev: str) -> dict[str, int]:
    out: dict[str, int] = {}
    lines = snmp.splitlines()
    for head, values in zip(lines[::2], lines[1::2]):
        prefix = head.split(":")[0]
        for key, value in zip(head.split()[1:], values.split()[1:]):
            if value.lstrip("-").isdigit():
                out[f"{prefix}.{key}"] = int(value)
    for line in snmp6.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    for line in dev.splitlines()[2:]:
        name, _, data = line.partition(":")
        fields = data.split()
        if len(fields) > 9:
            out[f"{name.strip()}.tx_packets"] = int(fields[9])
    return out


def _read_in(fd: int) -> dict[str, int] | None:
    """The counters of the namespace ``fd`` refers to, read by a thread that joins it."""
    found: list = []

    def join_and_read() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            return
        try:
            found.append(_parse(*(open(f"/proc/thread-self/net/{name}").read() for name in ("snmp", "snmp6", "dev"))))
        except OSError:
            pass

    thread = threading.Thread(target=join_and_read, name="netns-read", daemon=True)
    thread.start()
    thread.join(5)
    return found[0] if found else None


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        out += kids
        todo += kids
    return out


@dataclass
class NetnsWatch:
    fd: int
    baseline: dict[str, int]

    @classmethod
    def attach(cls, launcher_pid: int, timeout: float = 5.0) -> "NetnsWatch | None":
        """Hold the network namespace of the sandbox ``launcher_pid`` (bwrap) starts; None when it
        cannot be found or read here."""
        ours = os.readlink("/proc/self/ns/net")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid in _descendants(launcher_pid):
                try:
                    if os.readlink(f"/proc/{pid}/ns/net") == ours:
                        continue
                    fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    continue
                baseline = _read_in(fd)
                if baseline is None:
                    os.close(fd)
                    return None
                return cls(fd, baseline)
            time.sleep(0.005)
        return None

    def counters(self) -> dict[str, int] | None:
        return _read_in(self.fd)

    def used_since(self, before: dict[str, int] | None = None) -> str | None:
        """What moved since ``before`` (default: since the sandbox started), or None."""
        before = before if before is not None else self.baseline
        now = self.counters()
        if now is None:
            return None
        moved = {k: now.get(k, 0) - before.get(k, 0) for k in WATCHED if now.get(k, 0) > before.get(k, 0)}
        if not moved:
            return None
        return "the sandbox's network counters moved: " + ", ".join(f"{k} +{v}" for k, v in moved.items())

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
