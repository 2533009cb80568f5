#!/bin/sh
# Writes a C file holding the files `charter new` writes, as strings:
# embed.sh OUT DEST=SRC...
out=$1; shift
{
  echo '/* Generated from runtime/new/ by runtime/new/embed.sh; do not edit. */'
  echo '#include "cli.h"'
  echo 'const NewFile charter_new_files[] = {'
  for pair in "$@"; do
    dest=${pair%%=*}
    src=${pair#*=}
    printf '  {"%s",\n' "$dest"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/   "/' -e 's/$/\\n"/' "$src"
    echo '  },'
  done
  echo '  {0, 0}};'
} > "$out.tmp" && mv "$out.tmp" "$out"
