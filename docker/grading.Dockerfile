# The GPU-capable grading image: CUDA runtime, PyTorch 2.13.0 (CUDA build), otter-grader and this
# package — never the hidden tests (assignments/ is excluded by .dockerignore: the judge stays on
# the host and the container receives only inputs, as bubblewrap's sandbox does).
#
#   docker build -f docker/grading.Dockerfile -t autograder-grading:latest .
#   grader.yml:  grading: {isolation: container, container: {engine: docker, image: autograder-grading:latest, gpus: true}}
#
# The NVIDIA Container Toolkit on the host gives `--gpus all`; without a GPU the same image grades on
# the CPU and CUDA cases are reported as skipped.
# BASE: any Debian/Ubuntu image (e.g. a CPU-only base for a course without GPUs). pip reads
# /etc/pip.conf, so a mirror or wheelhouse can be bound in at build time (`podman build -v`).
ARG BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
FROM ${BASE}

ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 \
    OMP_NUM_THREADS=1 MPLBACKEND=Agg PATH=/opt/venv/bin:$PATH
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv git tini \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv
# torch first and pinned (the course's version; on Linux x86_64 PyPI's wheel is the CUDA build)
RUN pip install torch==2.13.0
COPY pyproject.toml README.md /src/
COPY autograder /src/autograder
RUN pip install /src && rm -rf /src \
 && python -c "import torch, otter, autograder.inside.child"
# student code runs as nobody; the run command adds --read-only, --network none, --cap-drop ALL
USER 65534:65534
WORKDIR /tmp
CMD ["python", "-I", "-m", "autograder.inside.child", "/grading"]
