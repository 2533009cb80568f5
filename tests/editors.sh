#!/bin/sh
# Structural checks of the editor support in editors/: every reserved word
# (the keywords table of lang/parse.c), every attribute name (the schema
# rows of lang/schema.def) and every symbol value (the SYM rows of
# lang/schema.def) appears as a whole word in each of the three grammars (Vim
# syntax, Emacs mode, TextMate grammar); the VS Code files are valid JSON;
# where Vim is installed, ':compiler charter' and ':make' read charter
# check's diagnostics into the quickfix list; where Emacs is installed,
# charter-mode.el byte-compiles without warnings, and where Eglot is too,
# charter-eglot.el starts charter lsp with charter-eglot-args.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/editors.sh CHARTER_BINARY
# (KEEP=1 keeps the scratch directory.) Needs jq, sed, sort and grep.
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

root=$(cd "$here/.." && pwd)
scratch_setup editors jq sed sort grep

vim_syntax=$root/editors/vim/syntax/charter.vim
emacs_mode=$root/editors/emacs/charter-mode.el
textmate=$root/editors/vscode/syntaxes/charter.tmLanguage.json
grammars="$vim_syntax $emacs_mode $textmate"

# ---- the words, from the implementation ----
# Reserved words: the rows {"word", KW_...} of the keywords table in parse.c.
sed -n '/keywords\[\] = {/,/^};/p' "$root/lang/parse.c" |
  grep -o '{"[A-Za-z_][A-Za-z0-9_]*", *KW_' | sed 's/^{"//; s/".*//' | sort -u >reserved.txt
# Attribute names: the ATTR rows of the schema table, lang/schema.def, ...
grep -o '^ATTR([A-Z_]*, [A-Z_]*, "[A-Za-z_][A-Za-z0-9_]*"' "$root/lang/schema.def" |
  sed 's/.*, "//; s/"$//' | sort -u >attributes.txt
# ... and the nested blocks' names and lines (BLOCK, BLOCK_LINE rows).
{
  cat attributes.txt
  grep -o '^BLOCK([A-Z_]*, "[A-Za-z_][A-Za-z0-9_]*"' "$root/lang/schema.def" | sed 's/.*, "//; s/"$//'
  grep -o '^BLOCK_LINE([a-z_]*, "[A-Za-z_][A-Za-z0-9_]*"' "$root/lang/schema.def" | sed 's/.*, "//; s/"$//'
} | sort -u >attributes.all && mv attributes.all attributes.txt
# Symbol values: the SYM rows of the same table, and the words inside the
# nested blocks' lines (BLOCK_WORD rows).
{
  grep -o '^SYM([A-Z_]*, [A-Z_]*, "[A-Za-z_][A-Za-z0-9_]*"' "$root/lang/schema.def" | sed 's/.*, "//; s/"$//'
  grep -o '^BLOCK_WORD([a-z_]*, "[A-Za-z_][A-Za-z0-9_]*"' "$root/lang/schema.def" | sed 's/.*, "//; s/"$//'
} | sort -u >symbols.txt

nres=$(wc -l <reserved.txt | tr -d ' ')
nattr=$(wc -l <attributes.txt | tr -d ' ')
nsym=$(wc -l <symbols.txt | tr -d ' ')
# The language has 24 reserved words and dozens of attributes and symbols:
# far fewer means the extraction no longer matches the sources.
if [ "$nres" -ge 20 ] && [ "$nattr" -ge 40 ] && [ "$nsym" -ge 30 ] &&
  grep -qx charter reserved.txt && grep -qx false reserved.txt &&
  grep -qx vision attributes.txt && grep -qx note attributes.txt &&
  grep -qx exclude attributes.txt && grep -qx accountability symbols.txt &&
  grep -qx disclosure attributes.txt && grep -qx complementary attributes.txt && grep -qx withheld symbols.txt; then
  ok "found $nres reserved words, $nattr attribute names and $nsym symbol values in lang/"
else
  not_ok "found $nres reserved words, $nattr attribute names and $nsym symbol values in lang/ (too few: the extraction is broken)"
fi

# ---- each word in each grammar ----
# has_word WORD FILE: WORD stands in FILE with no letter, digit or '_' on
# either side.
has_word() {
  grep -Eq "(^|[^A-Za-z0-9_])$1([^A-Za-z0-9_]|\$)" "$2"
}
# The matcher itself: it must find a word and refuse a part of one.
printf 'x vision_strategy y\n' >probe.txt
check "the whole-word matcher finds a whole word" has_word vision_strategy probe.txt
if has_word vision probe.txt || has_word strategy probe.txt; then
  not_ok "the whole-word matcher refuses part of a word"
else
  ok "the whole-word matcher refuses part of a word"
fi

for g in $grammars; do
  name=${g#"$root"/}
  if [ ! -f "$g" ]; then
    not_ok "$name exists"
    continue
  fi
  for set in reserved:"reserved words" attributes:"attribute names" symbols:"symbol values"; do
    list=${set%%:*}
    what=${set#*:}
    missing=""
    while IFS= read -r w; do
      has_word "$w" "$g" || missing="$missing $w"
    done <"$list.txt"
    if [ -z "$missing" ]; then
      ok "$name has all $what"
    else
      not_ok "$name has all $what (missing:$missing)"
    fi
  done
done

# ---- the VS Code extension ----
vscode=$root/editors/vscode
check "the TextMate grammar is valid JSON" jq -e . "$textmate"
check "package.json is valid JSON" jq -e . "$vscode/package.json"
check "language-configuration.json is valid JSON" jq -e . "$vscode/language-configuration.json"
check "the TextMate grammar's scope is source.charter" \
  eval '[ "$(jq -r .scopeName "$textmate")" = source.charter ]'
check "package.json contributes the language charter for .charter files" \
  eval 'jq -e ".contributes.languages[] | select(.id == \"charter\") | .extensions | index(\".charter\")" "$vscode/package.json"'
check "package.json's grammar is source.charter, at a file that exists" \
  eval 'p=$(jq -r ".contributes.grammars[] | select(.scopeName == \"source.charter\" and .language == \"charter\") | .path" "$vscode/package.json") &&
        [ -f "$vscode/$p" ]'
check "package.json's language configuration exists" \
  eval 'p=$(jq -r ".contributes.languages[0].configuration" "$vscode/package.json") && [ -f "$vscode/$p" ]'
check "language-configuration.json: '#' comments" \
  eval '[ "$(jq -r .comments.lineComment "$vscode/language-configuration.json")" = "#" ]'

# ---- Vim: the compiler plugin reads charter check's diagnostics ----
if command -v vim >/dev/null 2>&1; then
  cat >diag.charter <<'CH'
charter "Editors" { vision "A warning, a note and an error" }

partner caretrek "CareTrek" { sector nonprofit }

indicator evictions "Evictions" {
  direction down
  baseline 120 in 2023
  target 150.5 by 2028
}
activity coaching "Coaching" { owner caretrek; budget 100 usd }
CH
  cat >make.vim <<'VIM'
set nocompatible
let &rtp = $EDITORS_VIM . ',' . &rtp
filetype plugin on
edit diag.charter
compiler charter
silent make
let out = ['makeprg=' . &makeprg]
for e in getqflist()
  call add(out, printf('%d|%s|%d|%d|%s|%s', e.valid, bufname(e.bufnr), e.lnum, e.col, e.type, e.text))
endfor
call writefile(out, 'qf.txt')
qall!
VIM
  PATH="$(dirname "$bin"):$PATH" EDITORS_VIM="$root/editors/vim" \
    $limit vim -Nu NONE -i NONE -es -S make.vim >/dev/null 2>&1
  check "vim: :compiler charter sets makeprg" \
    grep -qx 'makeprg=charter check --color never %' qf.txt
  check "vim: :make gives exactly three quickfix entries, no source, caret or summary lines" \
    eval '[ "$(grep -c "^[01]|" qf.txt)" -eq 3 ]'
  check "vim: the warning, at its line and column, with its rule" \
    grep -qx '1|diag.charter|8|10|w|the target (150.5) is above the baseline (120), but the indicator.s direction is down \[direction\]' qf.txt
  check "vim: the note, at its line and column" \
    grep -qx '1|diag.charter|6|13|n|the direction is set here' qf.txt
  check "vim: the error, at its line and column" \
    grep -Eqx "1\|diag.charter\|10\|59\|e\|'usd' is not a currency code.*\[attribute\]" qf.txt
  check "vim: the syntax file loads without errors" \
    eval 'EDITORS_VIM="$root/editors/vim" $limit vim -Nu NONE -i NONE -es \
      -c "let &rtp = \$EDITORS_VIM . \",\" . &rtp" -c "filetype plugin on" -c "syntax on" \
      -c "edit diag.charter" -c "if &ft !=# \"charter\" || !exists(\"b:current_syntax\") | cquit | endif" \
      -c "if v:errmsg !=# \"\" | cquit | endif" -c "qall!"'
else
  ok "# skip vim checks: vim is not installed"
fi

# ---- Emacs: the mode byte-compiles cleanly ----
if command -v emacs >/dev/null 2>&1; then
  cp "$emacs_mode" charter-mode.el
  $limit emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' \
    -f batch-byte-compile charter-mode.el >emacs.out 2>&1
  check "emacs: charter-mode.el byte-compiles without warnings" \
    eval '[ -f charter-mode.elc ] && ! grep -q "Warning\|Error" emacs.out'
  check "emacs: .charter files open in charter-mode" \
    eval '$limit emacs --batch -Q -L . -l charter-mode -f normal-mode \
      --eval "(progn (find-file \"diag.charter\") (kill-emacs (if (eq major-mode (quote charter-mode)) 0 1)))"'
  # Eglot: built in from Emacs 29, else elpa-eglot (loaded by site-start,
  # hence no -Q).
  if $limit emacs --batch --eval '(require (quote eglot))' >/dev/null 2>&1; then
    cp "$root/editors/emacs/charter-eglot.el" charter-eglot.el
    check "emacs: charter-eglot starts charter lsp with charter-eglot-args after lsp" \
      eval '$limit emacs --batch -L . --eval "(progn (require (quote charter-eglot))
        (setq charter-eglot-program \"/opt/charter\" charter-eglot-args (list \"--root\" \"/srv/m\"))
        (kill-emacs (if (equal (charter-eglot-contact) (list (quote charter-eglot-server) \"/opt/charter\" \"lsp\" \"--root\" \"/srv/m\")) 0 1)))"'
  else
    ok "# skip emacs eglot check: eglot is not installed"
  fi
else
  ok "# skip emacs checks: emacs is not installed"
fi

finish
