#!/usr/bin/env bash
# Moves a release to another phase by a commit, the GitOps counterpart of `kubectl apply`:
# points the release's Argo CD Application or Flux Kustomization at dist/<release>/<phase>,
# commits it with dist/ and pushes; Argo CD or Flux applies it.
#
#   move-phase.sh <file> <release> <phase> [--no-prune] [--next-release]
#
# The move must be a transition that dist/<release>/release.json declares (stable → dark,
# dark → canary-33, canary-33 → promote, or rollback from dark or any step), as `verify`
# checked them. --next-release points a finished release (promote or rollback) back at
# `stable` after the synth of the next release, whose `stable` is what promote or rollback
# left running. --no-prune writes `prune: false` (Flux: see flux/addressbook.yaml), otherwise
# the file keeps or gets `prune: true`.
set -euo pipefail

file=$1 release=$2 to=$3
shift 3
prune=true next=false
for option in "$@"; do
  case $option in
    --no-prune) prune=false ;;
    --next-release) next=true ;;
    *) echo "move-phase: unknown option $option" >&2; exit 2 ;;
  esac
done

declaration=dist/$release/release.json
from=$(sed -n "s#^ *path: \(\./\)\{0,1\}dist/$release/\([a-z0-9-]*\) *\$#\2#p" "$file")
if [ -z "$from" ]; then
  echo "move-phase: $file has no path: dist/$release/<phase>" >&2; exit 2
fi
if [ ! -d "dist/$release/$to" ]; then
  echo "move-phase: dist/$release/$to: no such phase" >&2; exit 2
fi
if [ "$next" = true ]; then
  if [ "$to" != stable ] || ! [[ $from =~ ^(promote|rollback)$ ]]; then
    echo "move-phase: --next-release moves a finished release (promote or rollback) to stable, not $from → $to" >&2; exit 2
  fi
elif [ "$from" != "$to" ] && ! jq -e --arg from "$from" --arg to "$to" '.transitions | index([[$from, $to]]) != null' "$declaration" > /dev/null; then
  echo "move-phase: $release: $from → $to is not a transition of $declaration" >&2; exit 1
fi

sed -i "s#^\( *path: \(\./\)\{0,1\}dist/$release/\)$from *\$#\1$to#; s#^\( *prune:\) [a-z]*\$#\1 $prune#" "$file"
git add "dist/$release" "$file"
git diff --cached --quiet || git commit -q -m "$release: $from → $to"
git push -q
