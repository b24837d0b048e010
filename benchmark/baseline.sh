#!/usr/bin/env bash
# Builds streamproxy's proxy-filter jar from one git commit into benchmark/target/baseline/, for the baseline
# contenders: streamproxy-jetty-baseline and streamproxy-tomcat-baseline in the race, jetty-17-baseline and
# tomcat-17-baseline in --streams. Issue 18 races the new engine against today's, "a contender built from the last
# commit before the switch, kept for this comparison".
#
#   benchmark/baseline.sh <commit>
#
# The commit is checked out in a temporary detached worktree (removed again on exit), built there offline with
# `mvn -o -q -pl proxy-filter -am package -DskipTests` (its dependencies must already be in ~/.m2; nothing is
# installed there), and its jar and runtime dependencies are copied into benchmark/target/baseline/, with the commit
# in commit.txt. Nothing is committed, and `mvn clean` removes the build. The next benchmark run picks it up.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <commit>" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
if ! sha=$(git -C "$root" rev-parse --verify --quiet "$1^{commit}"); then
  echo "$0: $1 is not a commit of $root" >&2
  exit 2
fi
out="$here/target/baseline"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/streamproxy-baseline.XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$tmp/src" 2>/dev/null || true
  git -C "$root" worktree prune
  rm -rf "$tmp"
}
trap cleanup EXIT

git -C "$root" worktree add --quiet --detach "$tmp/src" "$sha"
(cd "$tmp/src" && mvn -B -o -q -pl proxy-filter -am package -DskipTests)
# the jars it runs with at that commit (httpcore5, slf4j-api, ...): the benchmark puts the baseline's version of each
# in place of its own, and leaves out any the other contenders do not have (optional ones, such as micrometer-core)
(cd "$tmp/src" && mvn -B -o -q -pl proxy-filter dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$tmp/lib")

jar=""
for f in "$tmp/src/proxy-filter/target/"proxy-filter-*.jar; do
  case "$f" in
    *-sources.jar|*-javadoc.jar|*-tests.jar) ;;
    *) jar="$f" ;;
  esac
done
if [ -z "$jar" ]; then
  echo "$0: the build of $sha left no proxy-filter jar in proxy-filter/target" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/lib"
cp "$jar" "$out/proxy-filter.jar"
if compgen -G "$tmp/lib/*.jar" > /dev/null; then
  cp "$tmp/lib/"*.jar "$out/lib/"
fi
git -C "$root" log -1 --format='%H %h %cI %s' "$sha" > "$out/commit.txt"
echo "baseline $(cut -d' ' -f2- "$out/commit.txt")"
echo "built into $out"
