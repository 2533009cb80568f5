#!/bin/sh
# Structural checks of the translations of charter's own words
# (runtime/i18n.h, runtime/po/; docs/HACKING.md, "Translations"):
#  - every text xgettext finds in runtime/*.c and runtime/cli/*.c is in
#    each runtime/po/LANG.po, translated and not fuzzy, and no LANG.po keeps
#    a text the sources no longer have (nor obsolete #~ entries);
#  - msgfmt --check accepts each catalog, with the format flags of the
#    sources (a translation keeps the printf conversions of its msgid);
#  - "no English word that charter wrote": the visible text of a Spanish
#    page, without <head>, <style> and the elements marked lang="en" (the
#    program's own texts it has no Spanish for), has no word of the English
#    msgids that no Spanish msgstr has (words the same in both languages
#    aside: ALLOW below), except the words of the program's own strings
#    (an SVG drawn by Graphviz cannot mark the program's English titles
#    lang="en"). The check is first tried on hand-made pages, then run on
#    `charter report --lang es` of every example with CSV files.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/i18n.sh CHARTER_BINARY
# (KEEP=1 keeps the scratch directory.) Needs the gettext tools and xmllint.
# shellcheck disable=SC2034
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup i18n xgettext msgfmt msgmerge msgcmp msgattrib xmllint comm

# Words that are the same in English and Spanish and may stand untranslated
# on a Spanish page even when no msgstr has them.
ALLOW="no total error id csv svg html url"

# The catalog directory of the binary under test (build/asan/charter has its
# own build/asan/locale when made; else the plain build's).
if [ -f "$(dirname "$bin")/locale/es/LC_MESSAGES/charter.mo" ]; then
  localedir=$(dirname "$bin")/locale
else
  localedir=$top/build/locale
fi

# ---- the catalogs against the sources ----
# shellcheck disable=SC2046
(cd "$top" && xgettext --language=C --from-code=UTF-8 --keyword --keyword=_ --keyword=N_ --keyword=P_:1,2 \
  --add-comments=TRANSLATORS: --force-po -o "$tmp/charter.pot" $(ls runtime/*.c runtime/cli/*.c | sort)) 2>xgettext.err
check "xgettext reads the sources" test -s charter.pot
for po in "$top"/runtime/po/*.po; do
  l=$(basename "$po" .po)
  rel=runtime/po/$l.po
  # Every msgid of the sources is in LANG.po, translated (untranslated and
  # fuzzy entries count as missing).
  if msgcmp -N "$po" charter.pot >"$l.cmp" 2>&1; then
    ok "$rel translates every text of the sources"
  else
    not_ok "$rel translates every text of the sources (make po, then translate: $(grep -c 'this message' "$l.cmp") missing)"
    sed 's/^/# /' "$l.cmp" | head -10
  fi
  if [ -z "$(msgattrib --untranslated --no-obsolete "$po" | grep '^msgid ' | grep -v '^msgid ""$')" ]; then
    ok "$rel has no untranslated entry"
  else
    not_ok "$rel has no untranslated entry"
  fi
  if [ -z "$(msgattrib --only-fuzzy --no-obsolete "$po" | grep '^msgid ' | grep -v '^msgid ""$')" ]; then
    ok "$rel has no fuzzy entry"
  else
    not_ok "$rel has no fuzzy entry (review them and drop the fuzzy flag)"
  fi
  # Nothing the sources no longer have, obsolete entries included.
  if msgcmp -N --use-untranslated --use-fuzzy charter.pot "$po" >"$l.rcmp" 2>&1; then
    ok "$rel has no text the sources no longer have"
  else
    not_ok "$rel has no text the sources no longer have"
    sed 's/^/# /' "$l.rcmp" | head -10
  fi
  if [ -z "$(msgattrib --only-obsolete "$po" | grep '^#~ msgid ')" ]; then
    ok "$rel has no obsolete (#~) entry"
  else
    not_ok "$rel has no obsolete (#~) entry (make po drops them)"
  fi
  # The header says the language, UTF-8 and the plural rule.
  hdr=$(msgattrib --force-po "$po" | sed -n '/^msgid ""$/,/^$/p')
  case $hdr in
  *"Language: $l\\n"*"charset=UTF-8\\n"*"Plural-Forms: nplurals="*) ok "$rel's header names $l, UTF-8 and its plural forms" ;;
  *) not_ok "$rel's header names $l, UTF-8 and its plural forms" ;;
  esac
  # The build tree's catalog is this file's (else the checks below read an old one).
  if msgfmt -o "$l.mo" "$po" 2>/dev/null && cmp -s "$l.mo" "$localedir/$l/LC_MESSAGES/charter.mo"; then
    ok "$localedir/$l/LC_MESSAGES/charter.mo is made from $rel as it is now"
  else
    not_ok "$localedir/$l/LC_MESSAGES/charter.mo is made from $rel as it is now (run make)"
  fi
  # msgfmt --check, once as written and once with the sources' format flags
  # (c-format: a translation keeps its msgid's conversions).
  check "msgfmt --check accepts $rel" msgfmt --check -o /dev/null "$po"
  if msgmerge --quiet --force-po --no-fuzzy-matching -o "$l.merged.po" "$po" charter.pot 2>/dev/null &&
    msgfmt --check -o /dev/null "$l.merged.po" 2>"$l.fmt" &&
    # msgmerge marks fuzzy a translation whose conversions differ
    [ -z "$(msgattrib --only-fuzzy --no-obsolete "$l.merged.po" | grep '^msgid ' | grep -v '^msgid ""$')" ]; then
    ok "$rel keeps the printf conversions of every msgid"
  else
    not_ok "$rel keeps the printf conversions of every msgid"
    sed 's/^/# /' "$l.fmt" | head -10
    msgattrib --only-fuzzy --no-obsolete "$l.merged.po" | grep '^msgid ' | grep -v '^msgid ""$' | sed 's/^/# differs: /' | head -10
  fi
done
# The format check catches a translation that drops a conversion.
cat >dropped.po <<'EOF'
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

#, c-format
msgid "%d groups of %s"
msgstr "%s grupos"
EOF
if msgfmt --check -o /dev/null dropped.po 2>/dev/null; then
  not_ok "msgfmt --check refuses a translation that changes the conversions"
else
  ok "msgfmt --check refuses a translation that changes the conversions"
fi

# ---- no English word that charter wrote ----
# po_strings PO id|str: every msgid (and msgid_plural) or every msgstr of PO,
# the header and obsolete entries aside, one string a line.
po_strings() {
  msgattrib --force-po --no-wrap --no-obsolete "$1" | awk -v want="$2" '
    /^#/ || /^$/ { k = ""; next }
    /^msgid "/ { head = ($0 == "msgid \"\"") }
    /^msgid/ { k = "id" }
    /^msgstr/ { k = "str" }
    k == want && !head { s = $0; sub(/^[^"]*"/, "", s); sub(/"$/, "", s); print s }'
}
# words: stdin's words, lowercased, one a line, sorted and unique; printf
# conversions, escapes, markup and entities are not words, nor one letter.
words() {
  LC_ALL=C.UTF-8 sed -e 's/%[-+ #0-9.*]*[hlLqjzt]*[a-zA-Z%]/ /g' -e 's/\\[nt"\\]/ /g' \
    -e 's/<[^>]*>/ /g' -e 's/&[#a-zA-Z0-9]*;/ /g' |
    LC_ALL=C.UTF-8 grep -oE '[[:alpha:]]{2,}' | LC_ALL=C.UTF-8 sed 's/.*/\L&/' | LC_ALL=C.UTF-8 sort -u
}
# suspects PO: the words of the English msgids that no msgstr has and ALLOW
# does not list, into suspects.txt.
suspects() {
  po_strings "$1" id | words >en.words
  { po_strings "$1" str; echo "$ALLOW"; } | words >es.words
  LC_ALL=C.UTF-8 comm -23 en.words es.words >suspects.txt
}
# visible_text HTML: the text a reader sees or hears of the page (text
# nodes, alt, title and aria-label), outside <head> (its <title> is the
# program's English title and words also on the page), <style>, <script>
# and any element marked lang="en".
visible_text() {
  xmllint --html --xpath '//text()[not(ancestor::*[@lang="en"]) and not(ancestor::style) and not(ancestor::script) and not(ancestor::head)]
    | //@*[(name()="alt" or name()="title" or name()="aria-label") and not(ancestor::*[@lang="en"]) and not(ancestor::head)]' "$1" 2>/dev/null |
    sed 's/^ *\(alt\|title\|aria-label\)="\(.*\)"$/\2/'
}
# program_strings FILE...: the text of every quoted string and text block of
# the programs (docs/language.md, "Strings" and "Text blocks"), comments
# aside; escapes stay as written (words drops them).
program_strings() {
  awk -v q='"' '{
    line = $0
    while (line != "") {
      if (block) {
        i = index(line, q q q)
        if (i == 0) { print line; break }
        print substr(line, 1, i - 1)
        line = substr(line, i + 3)
        block = 0
        continue
      }
      i = index(line, q)
      h = index(line, "#")
      if (i == 0 || (h > 0 && h < i)) break
      if (substr(line, i, 3) == q q q) { block = 1; line = substr(line, i + 3); continue }
      rest = substr(line, i + 1)
      s = ""
      while (rest != "") {
        c = substr(rest, 1, 1)
        if (c == "\\") { s = s substr(rest, 1, 2); rest = substr(rest, 3); continue }
        rest = substr(rest, 2)
        if (c == q) break
        s = s c
      }
      print s
      line = rest
    }
  }' "$@"
}
# english_words HTML [PROGRAM_WORDS]: the words of the page's visible text
# that are in suspects.txt and not in the file PROGRAM_WORDS (the program's
# own words: program_strings | words); nothing when the page is all Spanish.
english_words() {
  visible_text "$1" | words | LC_ALL=C.UTF-8 comm -12 - suspects.txt |
    LC_ALL=C.UTF-8 comm -23 - "${2:-/dev/null}" | tr '\n' ' '
}

# The check itself, on hand-made pages against a hand-made catalog.
cat >fixture.po <<'EOF'
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

msgid "Summary of results"
msgstr "Resumen de resultados"

msgid "Status"
msgstr "Estado"

#, c-format
msgid "%d indicator on track"
msgid_plural "%d indicators on track"
msgstr[0] "%d indicador en camino"
msgstr[1] "%d indicadores en camino"

msgid "Total"
msgstr "Total"
EOF
suspects fixture.po
# The program's own words: its strings and text blocks, not its comments; an
# escaped quote does not end a string.
cat >fixture.charter <<'EOF'
# Summary of everything
charter "\"Results\" Count" { # status
  problem """
    Nothing counts
    """
}
EOF
program_strings fixture.charter | words >fixture.words
if [ "$(tr '\n' ' ' <fixture.words)" = "count counts nothing results " ]; then
  ok "the program's own words are read from its strings and text blocks"
else
  not_ok "the program's own words are read from its strings and text blocks (read: $(tr '\n' ' ' <fixture.words))"
fi
# A page: the program's English title drawn by Graphviz (no lang="en").
cat >good.html <<'EOF'
<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Resumen de resultados</title>
<style>.status { color: red } /* Summary of results */</style></head>
<body><h2>Resumen de resultados</h2>
<table><tr><th>Estado</th><th>Total</th></tr>
<tr><td lang="en">Employment rate on track</td><td>3 indicadores en camino</td></tr></table>
<svg role="img" aria-label="Resumen"><title>Estado</title><text lang="en">Status quo</text><text>Results Count</text></svg>
<p>Según <span lang="en">Results Count</span>: <abbr title="total">tot.</abbr></p>
</body></html>
EOF
sed -e 's|<title>Resumen de resultados</title>|<title>Summary of results on track</title>|' good.html >head.html
sed -e 's|<th>Estado</th>|<th>Status</th>|' good.html >bad-text.html
sed -e 's|aria-label="Resumen"|aria-label="Summary"|' good.html >bad-attr.html
sed -e 's|<td>3 indicadores en camino</td>|<td>3 indicators on track</td>|' good.html >bad-plural.html
for page in good head; do
  w=$(english_words "$page.html" fixture.words)
  if [ -z "$w" ]; then ok "a Spanish page with English only under lang=\"en\", in <head>, in <style> and from the program passes ($page)"; else not_ok "a Spanish page with English only under lang=\"en\", in <head>, in <style> and from the program passes ($page; found: $w)"; fi
done
w=$(english_words good.html)
if [ "$w" = "results " ]; then ok "without the program's words, its title in the drawing counts as English ($w)"; else not_ok "without the program's words, its title in the drawing counts as English (found: $w)"; fi
for page in bad-text bad-attr bad-plural; do
  w=$(english_words "$page.html" fixture.words)
  if [ -n "$w" ]; then ok "an English word charter wrote is found ($page: $w)"; else not_ok "an English word charter wrote is found ($page)"; fi
done

# The reports of the examples, in Spanish.
if ! "$bin" help report >/dev/null 2>&1; then
  not_ok "charter report is missing"
  finish
fi
suspects "$top/runtime/po/es.po"
for f in "$top"/examples/*/coalition.charter; do
  dir=$(dirname "$f")
  ex=$(basename "$dir")
  csvs=$(ls "$dir"/*.csv 2>/dev/null)
  [ -n "$csvs" ] || continue
  # The last year of the data (2026 is 2026-12-31: every row counts).
  year=$(cat "$dir"/*.csv | grep -oE '(^|[^0-9])20[0-9][0-9]' | grep -oE '20[0-9][0-9]' | sort -n | tail -n 1)
  rm -f "$ex.db"
  # shellcheck disable=SC2086
  if ! $limit "$bin" import --db "$ex.db" "$f" $csvs >"$ex.import" 2>&1; then
    not_ok "examples/$ex imports (for its Spanish report)"
    continue
  fi
  if CHARTER_LOCALEDIR=$localedir $limit "$bin" report --db "$ex.db" --as-of "$year" --lang es -o "$ex.html" "$f" 2>"$ex.err"; then
    ok "charter report --lang es of examples/$ex"
  else
    not_ok "charter report --lang es of examples/$ex: $(head -n 1 "$ex.err")"
    continue
  fi
  program_strings "$dir"/*.charter | words >"$ex.words"
  w=$(english_words "$ex.html" "$ex.words")
  if [ -z "$w" ]; then
    ok "the Spanish report of examples/$ex has no English word that charter wrote"
  else
    not_ok "the Spanish report of examples/$ex has no English word that charter wrote (found: $w)"
    # where: the first lines of visible text that have them
    pat=$(echo "$w" | sed 's/ *$//; s/ /|/g')
    visible_text "$ex.html" | LC_ALL=C.UTF-8 grep -iwE "$pat" | head -n 8 | sed 's/^/#   /'
  fi
  # The logic model alone (runtime/render.c): Spanish words, and the
  # charter's title_es when it has one.
  xmllint --html --xpath '//*[local-name()="svg" and @aria-labelledby="logic-title"]' "$ex.html" >"$ex.logic.html" 2>/dev/null
  w=$(english_words "$ex.logic.html" "$ex.words")
  title_es=$(sed -n '/^charter /,/^}/s/^ *title_es "\([^"\\]*\)"$/\1/p' "$f" | head -n 1)
  if [ -n "$w" ]; then
    not_ok "the Spanish report of examples/$ex draws its logic model in Spanish (found: $w)"
  elif ! grep -q 'Modelo l' "$ex.logic.html"; then
    not_ok "the Spanish report of examples/$ex draws its logic model in Spanish (no \"Modelo lógico\")"
  elif [ -n "$title_es" ] && ! visible_text "$ex.logic.html" | grep -qF "$title_es"; then
    not_ok "the Spanish report of examples/$ex draws its logic model in Spanish (no title_es \"$title_es\")"
  else
    ok "the Spanish report of examples/$ex draws its logic model in Spanish${title_es:+ (with its title_es)}"
  fi
done
# The build tree's catalog is found beside the binary, without CHARTER_LOCALEDIR.
if [ -f "$(dirname "$bin")/locale/es/LC_MESSAGES/charter.mo" ]; then
  f=$top/examples/recovery-at-work/coalition.charter
  if (unset CHARTER_LOCALEDIR; $limit "$bin" report --lang es -o beside.html "$f") 2>beside.err &&
    grep -q 'lang="es"' beside.html; then
    ok "charter report --lang es finds the catalog beside the binary"
  else
    not_ok "charter report --lang es finds the catalog beside the binary: $(head -n 1 beside.err)"
  fi
fi
# Without a catalog: exit 1 and a sentence naming where it looked.
CHARTER_LOCALEDIR=$tmp/no-such-dir $limit "$bin" report --lang es "$top/examples/recovery-at-work/coalition.charter" >none.out 2>none.err
rc=$?
if { [ "$rc" = 1 ] || [ "$rc" = 2 ]; } && [ ! -s none.out ] && grep -q "no-such-dir" none.err && grep -q "run make (or make install)" none.err; then
  ok "a missing catalog: exit 1 or 2 and a message naming the directory"
else
  not_ok "a missing catalog: exit 1 or 2 and a message naming the directory (exit $rc: $(head -n 1 none.err))"
fi

finish
