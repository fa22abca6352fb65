"""Code that runs inside the sandbox, next to student code.

Nothing here decides a verdict: it executes the notebook, calls the student's functions on
inputs the grader chose, and writes back raw values (JSON + .npz, never pickle). Only the
standard library, numpy and torch are imported here — never the judging side.
"""

# Set by the sandbox when the child has its own PID namespace (so kill(-1) is safe there).
PIDNS_ENV = "AUTOGRADER_OWN_PID_NAMESPACE"
# Set by the container backend without a GPU: the child lets its address space grow by at most
# this many MiB after start-up, so an oversized allocation fails as MemoryError (as under
# bubblewrap's RLIMIT_AS) instead of the container's memory cgroup killing it. With a GPU only
# the cgroup bounds memory (CUDA reserves far more address space than it uses).
ADDRESS_SPACE_ENV = "AUTOGRADER_ADDRESS_SPACE_MB"
