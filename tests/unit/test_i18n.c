/* charter's own words in the reader's language (runtime/i18n.c): language
 * codes, English without a catalog, the Spanish catalog of the build tree
 * (CHARTER_LOCALEDIR), a missing catalog, and the numbers printf writes
 * staying as they were. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

#define CAP 4096

/* The nearest ancestor of the test binary's directory (itself included)
 * that holds rel, into out: build/locale for build/tests/test_i18n and
 * build/asan/tests/test_i18n alike, the checkout for runtime/po/es.po. */
static bool find_up(const char *rel, char *out, size_t cap) {
  char dir[CAP];
  ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
  if (n <= 0) return false;
  dir[n] = '\0';
  char *slash;
  while ((slash = strrchr(dir, '/')) != NULL) {
    *slash = '\0';
    int m = snprintf(out, cap, "%s/%s", dir, rel);
    if (m > 0 && (size_t)m < cap && access(out, R_OK) == 0) return true;
  }
  return false;
}

/* Points CHARTER_LOCALEDIR at the build tree's catalogs. */
static void use_build_catalogs(void) {
  char mo[CAP];
  if (!find_up("locale/es/LC_MESSAGES/charter.mo", mo, sizeof mo))
    fail_msg("no locale/es/LC_MESSAGES/charter.mo above the test binary: run make");
  *strstr(mo, "/es/LC_MESSAGES/charter.mo") = '\0';
  setenv("CHARTER_LOCALEDIR", mo, 1);
}

/* The text of a one-line PO string `KEYWORD "TEXT"` (no escapes), else NULL. */
static char *po_string(char *line, const char *keyword) {
  size_t k = strlen(keyword);
  if (strncmp(line, keyword, k) != 0 || line[k] != ' ' || line[k + 1] != '"') return NULL;
  char *text = line + k + 2;
  char *end = strrchr(text, '"');
  if (!end || strchr(text, '\\')) return NULL;
  *end = '\0';
  return text;
}

/* The first translated, not fuzzy entry of es.po whose msgid and msgstr are
 * each one line without escapes: *id and *str (static), false when there is
 * none. plural: an entry with msgid_plural (str: msgstr[1]), else a plain one. */
static bool po_entry(bool plural, const char **id, const char **str) {
  static char ids[2][CAP], strs[2][CAP];
  char path[CAP];
  if (!find_up("runtime/po/es.po", path, sizeof path)) fail_msg("runtime/po/es.po not found above the test binary");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char lines[4][CAP] = {{0}};
  bool fuzzy = false, found = false;
  char line[CAP];
  while (!found && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '\0') fuzzy = false;
    if (strncmp(line, "#,", 2) == 0 && strstr(line, "fuzzy")) fuzzy = true;
    memmove(lines[0], lines[1], sizeof lines - sizeof lines[0]);
    snprintf(lines[3], CAP, "%s", line);
    char copy[4][CAP];
    memcpy(copy, lines, sizeof copy);
    if (fuzzy) continue;
    if (!plural) {
      char *a = po_string(copy[2], "msgid"), *b = po_string(copy[3], "msgstr");
      if (a && b && *a && *b) {
        snprintf(ids[0], CAP, "%s", a);
        snprintf(strs[0], CAP, "%s", b);
        found = true;
      }
    } else {
      char *a = po_string(copy[0], "msgid"), *p = po_string(copy[1], "msgid_plural");
      char *s1 = po_string(copy[3], "msgstr[1]");
      if (a && p && s1 && *s1 && po_string(copy[2], "msgstr[0]")) {
        snprintf(ids[1], CAP, "%s", a);
        snprintf(strs[1], CAP, "%s", s1);
        found = true;
      }
    }
  }
  fclose(f);
  *id = ids[plural];
  *str = strs[plural];
  return found;
}

static void test_codes(void **state) {
  (void)state;
  Lang l = LANG_COUNT;
  assert_true(i18n_parse("en", &l));
  assert_int_equal(l, LANG_EN);
  assert_true(i18n_parse("es", &l));
  assert_int_equal(l, LANG_ES);
  assert_false(i18n_parse("fr", &l));
  assert_false(i18n_parse("ES", &l));
  assert_false(i18n_parse("", &l));
  assert_false(i18n_parse("esp", &l));
  assert_string_equal(i18n_code(LANG_EN), "en");
  assert_string_equal(i18n_code(LANG_ES), "es");
}

static void test_english(void **state) {
  (void)state;
  char err[512] = "";
  assert_int_equal(i18n_lang(), LANG_EN);
  assert_true(i18n_use(LANG_EN, err, sizeof err));
  assert_int_equal(i18n_lang(), LANG_EN);
  assert_string_equal(_("Summary of results"), "Summary of results");
  assert_string_equal(P_("%d group", "%d groups", 1), "%d group");
  assert_string_equal(P_("%d group", "%d groups", 0), "%d groups");
  assert_string_equal(P_("%d group", "%d groups", 2), "%d groups");
}

/* A directory without the catalog: false, a sentence naming where it
 * looked and what to do, and the language unchanged. */
static void test_missing(void **state) {
  (void)state;
  char err[1024] = "";
  setenv("CHARTER_LOCALEDIR", "/nonexistent/charter-locale", 1);
  assert_false(i18n_use(LANG_ES, err, sizeof err));
  if (!strstr(err, "/nonexistent/charter-locale")) fail_msg("message does not name the directory: %s", err);
  if (!strstr(err, "es/LC_MESSAGES/charter.mo")) fail_msg("message does not name the file: %s", err);
  if (!strstr(err, "run make (or make install)")) fail_msg("message does not say what to do: %s", err);
  assert_int_equal(i18n_lang(), LANG_EN);
  assert_string_equal(_("Summary of results"), "Summary of results");
  unsetenv("CHARTER_LOCALEDIR");
}

static void test_spanish(void **state) {
  (void)state;
  char err[1024] = "";
  use_build_catalogs();
  if (!i18n_use(LANG_ES, err, sizeof err)) fail_msg("i18n_use(LANG_ES): %s", err);
  assert_int_equal(i18n_lang(), LANG_ES);
  /* The catalog's header is the translation of "". */
  const char *header = _("");
  if (!strstr(header, "Language: es")) fail_msg("the catalog's header lacks Language: es: \"%s\"", header);
  /* Every entry of es.po comes back in Spanish: one plain, one plural. */
  const char *id, *str;
  if (po_entry(false, &id, &str)) assert_string_equal(_(id), str);
  if (po_entry(true, &id, &str)) {
    const char *many = P_(id, "(plural)", 2);
    assert_string_equal(many, str);
  }
  /* A text the catalog lacks stays English; plurals by English rules. */
  assert_string_equal(_("no such text in the catalog"), "no such text in the catalog");
  assert_string_equal(P_("%d thing nobody wrote", "%d things nobody wrote", 1), "%d thing nobody wrote");
  assert_string_equal(P_("%d thing nobody wrote", "%d things nobody wrote", 3), "%d things nobody wrote");
  /* Numbers keep their '.' decimals. */
  assert_string_equal(setlocale(LC_NUMERIC, NULL), "C");
  char num[16];
  snprintf(num, sizeof num, "%.1f", 2.5);
  assert_string_equal(num, "2.5");
  /* Back to English: the msgid again. */
  assert_true(i18n_use(LANG_EN, err, sizeof err));
  assert_int_equal(i18n_lang(), LANG_EN);
  assert_string_equal(_(""), "");
  unsetenv("CHARTER_LOCALEDIR");
}

/* The user's own locale does not choose the language: LANGUAGE=fr and
 * LC_ALL=C still give the Spanish catalog. */
static void test_spanish_whatever_locale(void **state) {
  (void)state;
  char err[1024] = "";
  setenv("LANGUAGE", "fr", 1);
  setenv("LC_ALL", "C", 1);
  use_build_catalogs();
  if (!i18n_use(LANG_ES, err, sizeof err)) fail_msg("i18n_use(LANG_ES) under LC_ALL=C: %s", err);
  assert_non_null(strstr(_(""), "Language: es"));
  assert_true(i18n_use(LANG_EN, err, sizeof err));
  unsetenv("LC_ALL");
  unsetenv("CHARTER_LOCALEDIR");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codes),   cmocka_unit_test(test_english),
      cmocka_unit_test(test_missing), cmocka_unit_test(test_spanish),
      cmocka_unit_test(test_spanish_whatever_locale),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
