#!/usr/bin/env bash
# Reports Swift files over 400 lines (a file that long is usually two files). Informational.
cd "$(dirname "$0")/.."
over=$(git ls-files 'Sources/*.swift' 'Tests/*.swift' | while read -r f; do
  n=$(wc -l <"$f"); [ "$n" -gt 400 ] && echo "  $f: $n lines"; done)
if [ -n "$over" ]; then echo "files over 400 lines:"; echo "$over"; fi
exit 0
