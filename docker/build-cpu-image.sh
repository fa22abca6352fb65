#!/bin/sh
# Build the grading image on a CPU-only Debian base without any container registry: debootstrap
# makes the base from the Debian mirror and the engine imports it. Needs root, debootstrap and
# podman (or docker). pip inside the build reads this machine's /etc/pip.conf (mirror, wheelhouse);
# BINDS names more folders it refers to.
#
#   BINDS="/opt/wheels" docker/build-cpu-image.sh [TAG]     # TAG: autograder-grading:cpu
set -eu
ENGINE=${ENGINE:-podman}
TAG=${1:-autograder-grading:cpu}
BASE=localhost/autograder-base:bookworm
cd "$(dirname "$0")/.."

if ! $ENGINE image exists "$BASE" 2>/dev/null; then
    root=$(mktemp -d)
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$root" \
        http://deb.debian.org/debian
    tar -C "$root" -c . | $ENGINE import - "$BASE"
    rm -rf "$root"
fi
set --
for path in /etc/pip.conf /etc/ssl/certs ${BINDS:-}; do
    [ -e "$path" ] && set -- "$@" -v "$path:$path:ro"
done
$ENGINE build --network host "$@" --build-arg BASE="$BASE" -f docker/grading.Dockerfile -t "$TAG" .
echo "built $TAG; try it: AUTOGRADER_TEST_IMAGE=$TAG AUTOGRADER_TEST_ENGINE=$ENGINE make test"
