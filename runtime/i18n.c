/* The words charter writes, in the reader's language (runtime/i18n.h):
 * GNU gettext from the C library, text domain "charter". */
#define _XOPEN_SOURCE 700 /* realpath */
#include "i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where make install puts the catalogs (the Makefile passes
 * -DLOCALEDIR=\"$(PREFIX)/share/locale\"). */
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "charter"
#define PATH_CAP 4096

static Lang current = LANG_EN;

/* The language's name in English, for messages. */
static const char *lang_name(Lang lang) { return lang == LANG_ES ? "Spanish" : "English"; }

/* Whether dir holds the catalog of code (CODE/LC_MESSAGES/charter.mo). */
static bool has_catalog(const char *dir, const char *code) {
  char mo[PATH_CAP];
  int n = snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir, code);
  return n > 0 && (size_t)n < sizeof mo && access(mo, R_OK) == 0;
}

/* "<directory of the running binary>/locale" into out; false when
 * /proc/self/exe cannot be read. */
static bool exe_locale(char *out, size_t cap) {
  char exe[PATH_CAP];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return false;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return false;
  *slash = '\0';
  int m = snprintf(out, cap, "%s/locale", exe);
  return m > 0 && (size_t)m < cap;
}

bool i18n_use(Lang lang, char *err, size_t errlen) {
  if (lang == LANG_EN) {
    current = LANG_EN;
    return true;
  }
  const char *code = i18n_code(lang);
  /* The catalog directory: CHARTER_LOCALEDIR, else the build tree's (next to
   * the binary) when it has this language, else the installed one. */
  char dir[PATH_CAP];
  char looked[2 * PATH_CAP + 64];
  char exe_dir[PATH_CAP];
  const char *env = getenv("CHARTER_LOCALEDIR");
  if (env && *env) {
    snprintf(dir, sizeof dir, "%s", env);
    snprintf(looked, sizeof looked, "%s (CHARTER_LOCALEDIR)", env);
  } else if (exe_locale(exe_dir, sizeof exe_dir) && has_catalog(exe_dir, code)) {
    snprintf(dir, sizeof dir, "%s", exe_dir);
    snprintf(looked, sizeof looked, "%s", exe_dir);
  } else {
    snprintf(dir, sizeof dir, "%s", LOCALEDIR);
    if (exe_locale(exe_dir, sizeof exe_dir)) snprintf(looked, sizeof looked, "%s and %s", exe_dir, LOCALEDIR);
    else snprintf(looked, sizeof looked, "%s", LOCALEDIR);
  }
  /* gettext reads a relative directory against the working directory of
   * each lookup: bind the absolute one. */
  char abs[PATH_CAP];
  const char *bound = realpath(dir, abs) ? abs : dir;
  if (!has_catalog(bound, code)) {
    snprintf(err, errlen, "the %s catalog is missing: looked for %s/LC_MESSAGES/" DOMAIN ".mo in %s; run make (or make install)",
             lang_name(lang), code, looked);
    return false;
  }
  /* LANGUAGE chooses the catalog whatever the user's locale, except when
   * LC_MESSAGES is exactly "C". LC_NUMERIC and LC_CTYPE stay as they are
   * (printf keeps its '.' decimals). */
  if (!setlocale(LC_MESSAGES, "C.UTF-8")) setlocale(LC_MESSAGES, "");
  setenv("LANGUAGE", code, 1);
  bindtextdomain(DOMAIN, bound);
  bind_textdomain_codeset(DOMAIN, "UTF-8");
  const char *header = dgettext(DOMAIN, "");
  if (!header || !*header) {
    snprintf(err, errlen,
             "the %s catalog %s/%s/LC_MESSAGES/" DOMAIN
             ".mo does not load (it is damaged, or the C library has no C.UTF-8 locale to read it with); "
             "run make (or make install) again",
             lang_name(lang), bound, code);
    return false;
  }
  current = lang;
  return true;
}

Lang i18n_lang(void) { return current; }

const char *i18n_text(const char *msgid) { return current == LANG_EN ? msgid : dgettext(DOMAIN, msgid); }

const char *i18n_ntext(const char *one, const char *many, unsigned long n) {
  if (current == LANG_EN) return n == 1 ? one : many;
  return dngettext(DOMAIN, one, many, n);
}

const char *i18n_code(Lang lang) { return lang == LANG_ES ? "es" : "en"; }

bool i18n_parse(const char *code, Lang *out) {
  if (strcmp(code, "en") == 0) *out = LANG_EN;
  else if (strcmp(code, "es") == 0) *out = LANG_ES;
  else return false;
  return true;
}
