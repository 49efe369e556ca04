#!/usr/bin/env bash
# Builds the example packages in Examples/ the way a package of your own uses MBRL: by URL and
# version (`.package(url: "file://<tmp>/mbrl", from: "0.1.0")`) against a tagged copy of this
# checkout, in release mode, and runs each one briefly. It fails when SwiftPM refuses the
# dependency (for example "the target 'MBRLCore' in product 'MBRLCore' contains unsafe build
# flags"), when an example does not compile or exits with an error, or when the framework was
# compiled without its CPU-specific release flags (the default trait `NativeCPU`).
#
# usage: scripts/check_downstream_package.sh [--revision REV] [--keep] [EXAMPLE ...]
#
#   EXAMPLE         directory names under Examples/ (default: every one with a Package.swift)
#   --revision REV  take the framework from git revision REV instead of the working tree
#                   (the examples always come from the working tree)
#   --keep          keep the temporary directory and print where it is
#
# The framework copy is the checkout's tracked files as they are in the working tree
# (uncommitted changes included), committed to a fresh repository and tagged 0.1.0, the version
# the examples ask for. The examples share one build directory, so the framework is compiled
# once (about two minutes on 2 cores); each example adds seconds.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="0.1.0"
revision=""
keep=0
examples=()
while [ $# -gt 0 ]; do
    case "$1" in
        --revision) revision="${2:?--revision needs a git revision}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
        *) examples+=("$1"); shift ;;
    esac
done
if [ ${#examples[@]} -eq 0 ]; then
    for manifest in "$root"/Examples/*/Package.swift; do
        examples+=("$(basename "$(dirname "$manifest")")")
    done
fi
for name in "${examples[@]}"; do
    [ -f "$root/Examples/$name/Package.swift" ] || { echo "no package Examples/$name/Package.swift" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/mbrl-downstream.XXXXXX")"
if [ "$keep" = 1 ]; then
    trap 'echo "kept $work" >&2' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi

# The framework: a fresh repository named mbrl (the package identity the examples use), tagged.
source="${revision:-$(git -C "$root" stash create)}"
source="${source:-HEAD}"
mkdir -p "$work/mbrl" "$work/examples" "$work/run"
git -C "$root" archive --format=tar "$source" | tar -x -C "$work/mbrl"
(
    cd "$work/mbrl"
    git init -q
    git add -A
    git -c user.name="MBRL check" -c user.email="check@localhost" commit -qm "MBRL at $(git -C "$root" rev-parse --short "$source")"
    git tag "$version"
)
echo "framework: $(git -C "$root" rev-parse --short "$source")${revision:+ ($revision)}, tagged $version at file://$work/mbrl" >&2

# The command that runs an example briefly (its executable is the directory name in kebab case).
run_command() {
    local name="$1" executable
    executable="$(echo "$name" | sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' | tr '[:upper:]' '[:lower:]')"
    case "$name" in
        CustomPlanner) echo "$executable $work/examples/$name/pendulum-constant-torque.json" ;;
        *) echo "$executable" ;;
    esac
}

export MBRL_PACKAGE_URL="file://$work/mbrl"
for name in "${examples[@]}"; do
    tar -C "$root/Examples" --exclude=.build --exclude=.swiftpm --exclude=Package.resolved -cf - "$name" \
        | tar -C "$work/examples" -xf -
    echo "== $name: swift build -c release (MBRL $version from $MBRL_PACKAGE_URL)" >&2
    start=$(date +%s)
    # Caches and fingerprints inside the temporary directory: every run's URL is new.
    swift build -c release --package-path "$work/examples/$name" --scratch-path "$work/build" \
        --cache-path "$work/cache" --security-path "$work/security"
    echo "== $name: built in $(( $(date +%s) - start )) s" >&2

    # The framework must have been compiled with its release flags (the default trait), unless
    # a portable build was asked for.
    if [ -z "${MBRL_PORTABLE:-}" ] && ! grep -q -- '-DMBRL_FMA' "$work/build/release.yaml"; then
        echo "error: MBRL was compiled without -DMBRL_FMA / -target-cpu: the default trait NativeCPU did not apply" >&2
        exit 1
    fi

    read -r -a command <<< "$(run_command "$name")"
    echo "== $name: ${command[*]}" >&2
    (cd "$work/run" && "$work/build/release/${command[0]}" "${command[@]:1}")
done
echo "downstream check passed: ${examples[*]}" >&2
