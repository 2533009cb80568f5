#!/bin/sh
# Writes a C file holding every stdlib module as a string: embed.sh OUT FILE...
out=$1; shift
{
  echo '/* Generated from stdlib/*.charter by stdlib/embed.sh; do not edit. */'
  echo '#include "program.h"'
  echo 'const StdlibFile charter_stdlib[] = {'
  for f in "$@"; do
    name=$(basename "$f" .charter)
    printf '  {"%s",\n' "$name"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/   "/' -e 's/$/\\n"/' "$f"
    echo '  },'
  done
  echo '  {0, 0}};'
} > "$out.tmp" && mv "$out.tmp" "$out"
