/* The words charter writes, in the reader's language (runtime/i18n.h).
 * For now English only: the catalogs come next. */
#include "i18n.h"

#include <stdio.h>
#include <string.h>

static Lang current = LANG_EN;

bool i18n_use(Lang lang, char *err, size_t errlen) {
  if (lang == LANG_EN) {
    current = LANG_EN;
    return true;
  }
  snprintf(err, errlen, "charter has no catalog for %s yet", i18n_code(lang));
  return false;
}

Lang i18n_lang(void) { return current; }

const char *i18n_text(const char *msgid) { return msgid; }

const char *i18n_ntext(const char *one, const char *many, unsigned long n) { return n == 1 ? one : many; }

const char *i18n_code(Lang lang) { return lang == LANG_ES ? "es" : "en"; }

bool i18n_parse(const char *code, Lang *out) {
  if (strcmp(code, "en") == 0) *out = LANG_EN;
  else if (strcmp(code, "es") == 0) *out = LANG_ES;
  else return false;
  return true;
}
