/* The words charter itself writes for people, in the reader's language:
 * GNU gettext, text domain "charter", catalogs made from runtime/po/LANG.po
 * (build/locale/LANG/LC_MESSAGES/charter.mo in the build tree, installed by
 * make install under PREFIX/share/locale). English is the source language
 * and needs no catalog. Only the report speaks other languages today; every
 * other message stays English. */
#ifndef CHARTER_I18N_H
#define CHARTER_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Marks a text for translation and translates it (xgettext --keyword=_
 * --keyword=N_ --keyword=P_:1,2 extracts them). */
#define _(s) i18n_text(s)
/* Marks a text for translation only (tables of words; translate with _()). */
#define N_(s) (s)
/* One of two texts by a count: P_("%d group", "%d groups", n). */
#define P_(one, many, n) i18n_ntext(one, many, n)

/* Selects the language of _() for this process. LANG_EN always works;
 * another language loads its catalog (the build tree's, next to the
 * running binary, else the installed one) and returns false with why in
 * err (a sentence naming where it looked and what to do) when there is
 * none. */
bool i18n_use(Lang lang, char *err, size_t errlen);
/* The language selected (LANG_EN until i18n_use). */
Lang i18n_lang(void);
/* msgid in the selected language (msgid itself in English, or when the
 * catalog lacks it). */
const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));
const char *i18n_ntext(const char *one, const char *many, unsigned long n) __attribute__((format_arg(1)))
    __attribute__((format_arg(2)));
/* "en", "es": the code of a language (the HTML lang attribute). */
const char *i18n_code(Lang lang);
/* The language of a code ("en", "es"), false when charter has no such
 * language. */
bool i18n_parse(const char *code, Lang *out);

#endif
