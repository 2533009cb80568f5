/* Presentation: numbers, numbers with units, days, and the worst-status
 * roll-up, shared by eval's output, the status overlay and the report. */
#define _POSIX_C_SOURCE 200809L
#include "present.h"

#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void present_day_text(int32_t day, char out[11]) {
  /* civil from days, after Howard Hinnant's public-domain algorithm */
  int64_t z = (int64_t)day + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  int y = (int)(yoe + era * 400 + (m <= 2));
  Period p = {.kind = PER_DAY, .year = (int16_t)y, .month = (uint8_t)m, .day = (uint8_t)d};
  period_last_day_text(p, out);
}

void present_num_text(double v, char out[40]) {
  /* the fewest digits that read back, as d.ddde-05 (17 always do) */
  int prec = 1;
  for (; prec <= 17; prec++) {
    snprintf(out, 40, "%.*e", prec - 1, v);
    if (strtod(out, NULL) == v) break;
  }
  char *e = strchr(out, 'e');
  int exp10 = e ? atoi(e + 1) : 0; /* the decimal exponent, exactly */
  if (e) { /* 1.5e-05 -> 1.5e-5, 1e+20 -> 1e20 */
    char *d = e + 1, *q = e + 1;
    if (*q == '+') q++;
    else if (*q == '-') *d++ = *q++;
    while (*q == '0' && q[1]) q++;
    memmove(d, q, strlen(q) + 1);
  }
  double a = fabs(v);
  if (a == 0) {
    strcpy(out, "0");
    return;
  }
  if (a >= 1e-5 && a < 1e17) {
    /* the same digits without an exponent: from 1 up always (1000, not
     * 1e3); below 1 when no longer (0.5, 0.25, but 1e-4) */
    char fixed[40];
    int decimals = prec - 1 - exp10;
    if (decimals < 0) decimals = 0;
    snprintf(fixed, sizeof fixed, "%.*f", decimals, v);
    if (strtod(fixed, NULL) == v && (a >= 1 || strlen(fixed) <= strlen(out))) strcpy(out, fixed);
  }
}

void present_num_short(double v, char out[48]) {
  snprintf(out, 48, "%.2f", v);
  char *e = out + strlen(out) - 1;
  if (strchr(out, '.')) {
    while (*e == '0') *e-- = '\0';
    if (*e == '.') *e = '\0';
  }
  if (strcmp(out, "-0") == 0) strcpy(out, "0");
}

void present_num_unit(Buf *b, double v, const char *unit) {
  char s[48];
  present_num_short(v, s);
  buf_puts(b, s);
  if (!unit || !*unit) return;
  if (strcmp(unit, "%") != 0) buf_putc(b, ' ');
  buf_puts(b, unit);
}

/* The flags' words for people (obs_flag_names, translated; the words of
 * the flags not shown are not needed). */
static const char *flag_word(int i) {
  switch (1u << i) {
  case OBS_PROVISIONAL: return _("provisional");
  case OBS_ESTIMATED: return _("estimated");
  case OBS_UNSTABLE: return _("unstable");
  default: return obs_flag_names[i];
  }
}

void present_flags(Buf *b, unsigned flags, const char *sep) {
  bool first = true;
  for (int i = 0; i < OBS_FLAG_COUNT; i++) {
    if (!(flags & PRESENT_SHOWN_FLAGS & (1u << i))) continue;
    buf_printf(b, "%s%s", first ? "" : sep, flag_word(i));
    first = false;
  }
}

void present_cell(Buf *b, const EvalCell *c, const char *unit) {
  if (disclose_withheld(c->state)) {
    /* TRANSLATORS: a value withheld (PRESENT_WITHHELD) */
    buf_puts(b, _("suppressed"));
    return;
  }
  present_num_unit(b, c->value, unit);
  if (c->unstable) buf_printf(b, " (%s)", _("unstable"));
}

void present_latest(Buf *b, const EvalIndicator *e, const char *unit) {
  if (e->has_latest && disclose_withheld(e->latest_state)) {
    /* TRANSLATORS: a period whose value is withheld: "2025 suppressed" */
    buf_printf(b, _("%s suppressed"), e->latest_period);
  } else if (e->has_latest) {
    Buf v = {0};
    present_num_unit(&v, e->latest, unit);
    /* TRANSLATORS: a value and its period: "46.5% in 2026-Q1" */
    buf_printf(b, _("%s in %s"), buf_str(&v), e->latest_period);
    buf_free(&v);
    if (e->latest_flags & PRESENT_SHOWN_FLAGS) {
      buf_puts(b, " (");
      present_flags(b, e->latest_flags, ", ");
      buf_putc(b, ')');
    }
  }
  if (e->withheld) {
    buf_puts(b, e->has_latest ? "; " : "");
    buf_printf(b, _("%s suppressed"), e->withheld);
  }
}

/* ---- the worst status ---- */

static const char *const level_labels[PRESENT_LEVELS] = {N_("missed"), N_("off track"), N_("at baseline"),
                                                         N_("on track"), N_("met"),       N_("no status")};

const char *present_level_label(PresentLevel level) {
  return (unsigned)level < PRESENT_LEVELS ? _(level_labels[level]) : "?";
}

PresentLevel present_level_of(EvalStatus s) {
  switch (s) {
  case EV_MISSED: return PRESENT_MISSED;
  case EV_OFF_TRACK: return PRESENT_OFF_TRACK;
  case EV_AT_BASELINE: return PRESENT_AT_BASELINE;
  case EV_ON_TRACK: return PRESENT_ON_TRACK;
  case EV_MET: return PRESENT_MET;
  default: return PRESENT_NONE;
  }
}

void present_rollup_init(PresentRollup *r) { *r = (PresentRollup){PRESENT_NONE, 0, 0, false, 0}; }

void present_rollup_add(PresentRollup *r, const EvalIndicator *e) {
  PresentLevel s = e ? present_level_of(e->status) : PRESENT_NONE;
  if (e && e->has_latest) r->any_data = true;
  if (e && e->stale == TRI_TRUE) r->stale++;
  if (s == PRESENT_NONE) r->unrated++;
  r->n++;
  if (s < r->worst) r->worst = s;
}
