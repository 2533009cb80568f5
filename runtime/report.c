/* The report (runtime/report.h; docs/report.md). One writer makes both
 * formats: every block goes through the few functions under "the page"
 * (headings, paragraphs, tables, lists), which write HTML or markdown, and
 * every text through put_text (charter's words, already translated) or
 * put_prog (the program's words, marked lang="en" in a page of another
 * language when the program gives no translation). */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "draw.h"
#include "escape.h"
#include "i18n.h"
#include "interp.h"
#include "present.h"
#include "render.h"
#include "rules.h"

typedef struct R {
  const Program *p;
  const ReportOptions *o;
  const EvalResult *ev;
  Lang lang;
  bool md;
  bool plain; /* texts for a chart, which escapes them itself: no escaping, no markup */
  Buf *b;
  Report *out;
} R;

/* ---- text ---- */

/* s as HTML text, or as markdown text (characters markdown reads as
 * markup escaped; a line end becomes a space, so a table cell stays one). */
static void esc(R *r, Buf *b, const char *s) {
  if (r->plain) {
    buf_puts(b, s);
    return;
  }
  if (!r->md) {
    esc_xml_str(b, s);
    return;
  }
  esc_md(b, s, "\\`*_[]<>#|!~&{}", true);
}

/* A fragment being built: text appended to it, then kept in the arena. */
static const char *keep(R *r, Buf *t) {
  const char *s = arena_strdup(&r->out->arena, buf_str(t));
  buf_free(t);
  return s;
}

/* The program's text s, escaped; marked as English in a page of another
 * language when in_lang is false. */
static void put_prog_to(R *r, Buf *b, const char *s, bool in_lang) {
  bool mark = !r->md && !r->plain && !in_lang && r->lang != LANG_EN;
  if (mark) buf_puts(b, "<span lang=\"en\">");
  esc(r, b, s);
  if (mark) buf_puts(b, "</span>");
}

static const char *prog(R *r, const char *s, bool in_lang) {
  Buf t = {0};
  put_prog_to(r, &t, s, in_lang);
  return keep(r, &t);
}

/* Charter's own words (already translated), escaped. */
static const char *word(R *r, const char *s) {
  Buf t = {0};
  esc(r, &t, s);
  return keep(r, &t);
}

static const char *say(R *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A period as written, for people: a span "2013 to 2017" (CSV: 2013/2017)
 * in the page's language. */
static const char *per_words(R *r, const char *written) {
  const char *to = strstr(written, " to "), *slash = strchr(written, '/');
  if (!to && !slash) return word(r, written);
  size_t n = to ? (size_t)(to - written) : (size_t)(slash - written);
  char *first = arena_strndup(&r->out->arena, written, n);
  return say(r, _("%s to %s"), word(r, first), word(r, to ? to + 4 : slash + 1));
}

static const char *period_of(R *r, Period per) {
  char t[16];
  period_text(per, t);
  return per_words(r, t);
}

/* A declaration's name for people: its title in the page's language, or
 * its id with spaces for underscores when it has none; with the id after
 * it on an internal page. */
static const char *title_of(R *r, const Decl *d) {
  bool in_lang = true;
  const char *t = model_text(d, TEXT_TITLE, r->lang, &in_lang);
  Buf b = {0};
  if (t && t[strspn(t, " \t\n")]) {
    put_prog_to(r, &b, t, in_lang);
  } else {
    /* without a title a declaration is known by its id, which is for the
     * coalition's own pages (--audience internal writes it after) */
    esc(r, &b, _("(untitled)"));
  }
  if (r->o->internal && d->id) {
    if (r->plain) buf_printf(&b, " (%s)", d->id);
    else if (r->md) buf_printf(&b, " (`%s`)", d->id);
    else buf_printf(&b, " <code>%s</code>", d->id); /* ids are [A-Za-z0-9_] */
  }
  return keep(r, &b);
}

/* The plain title (no id), unescaped: for a chart's <title>, escaped there. */
static const char *plain_title(R *r, const Decl *d) {
  const char *t = model_text(d, TEXT_TITLE, r->lang, NULL);
  return t && t[strspn(t, " \t\n")] ? t : _("(untitled)");
}

/* v with its unit: "48.7%", "1,200 people" (the unit as the program's text). */
static const char *num_unit(R *r, double v, const char *unit) {
  Buf b = {0};
  char n[48];
  present_num_short(v, n);
  buf_puts(&b, n);
  if (unit && *unit) {
    if (strcmp(unit, "%") != 0) buf_putc(&b, ' ');
    bool letters = false;
    for (const char *c = unit; *c; c++) letters |= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
    put_prog_to(r, &b, unit, !letters);
  }
  return keep(r, &b);
}

static const char *unit_of(const Decl *d) { return indicator_view(d)->unit; }

/* A formatted text of charter's words (fmt already translated) with
 * fragments already escaped. */
static const char *say(R *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Buf b = {0};
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  return keep(r, &b);
}

/* Items joined: "a, b and c" in the page's language. */
static const char *join(R *r, const char *const *items, int n) {
  Buf b = {0};
  for (int i = 0; i < n; i++) {
    if (i) buf_puts(&b, i + 1 == n ? _(" and ") : ", ");
    buf_puts(&b, items[i]);
  }
  return keep(r, &b);
}

/* ---- the page ---- */

static void out(R *r, const char *s) { buf_puts(r->b, s); }

static void heading(R *r, int level, const char *id, const char *text) {
  if (r->md) {
    for (int i = 0; i < level; i++) buf_putc(r->b, '#');
    buf_printf(r->b, " %s\n\n", text);
  } else if (id) {
    buf_printf(r->b, "<h%d id=\"%s\">%s</h%d>\n", level, id, text, level);
  } else {
    buf_printf(r->b, "<h%d>%s</h%d>\n", level, text, level);
  }
}

static void para(R *r, const char *text) {
  if (r->md) buf_printf(r->b, "%s\n\n", text);
  else buf_printf(r->b, "<p>%s</p>\n", text);
}

/* A program text of several lines: a paragraph per blank-line-separated
 * block. */
static void prog_paras(R *r, const char *s, bool in_lang, const char *cls) {
  const char *c = s;
  while (*c) {
    while (*c == '\n' || *c == ' ') c++;
    if (!*c) break;
    const char *e = strstr(c, "\n\n");
    size_t n = e ? (size_t)(e - c) : strlen(c);
    char *part = arena_strndup(&r->out->arena, c, n);
    if (!r->md && cls) buf_printf(r->b, "<p class=\"%s\">%s</p>\n", cls, prog(r, part, in_lang));
    else para(r, prog(r, part, in_lang));
    c += n;
  }
}

/* A table: caption, then headers; rows of cells; the end. */
typedef struct Table {
  int ncols;
} Table;

static void table_begin(R *r, Table *t, const char *caption, const char *const *heads, int n) {
  t->ncols = n;
  if (r->md) {
    if (caption) buf_printf(r->b, "%s\n\n", caption);
    buf_puts(r->b, "|");
    for (int i = 0; i < n; i++) buf_printf(r->b, " %s |", heads[i]);
    buf_puts(r->b, "\n|");
    for (int i = 0; i < n; i++) buf_puts(r->b, " --- |");
    buf_puts(r->b, "\n");
    return;
  }
  buf_puts(r->b, "<div class=\"table\" tabindex=\"0\"><table>\n");
  if (caption) buf_printf(r->b, "<caption>%s</caption>\n", caption);
  buf_puts(r->b, "<thead><tr>");
  for (int i = 0; i < n; i++) buf_printf(r->b, "<th scope=\"col\">%s</th>", heads[i]);
  buf_puts(r->b, "</tr></thead>\n<tbody>\n");
}

/* A row: the first cell heads it (a row header). */
static void table_row(R *r, const Table *t, const char *const *cells) {
  if (r->md) {
    buf_puts(r->b, "|");
    for (int i = 0; i < t->ncols; i++) buf_printf(r->b, " %s |", cells[i] ? cells[i] : "");
    buf_puts(r->b, "\n");
    return;
  }
  buf_puts(r->b, "<tr>");
  for (int i = 0; i < t->ncols; i++)
    buf_printf(r->b, i ? "<td>%s</td>" : "<th scope=\"row\">%s</th>", cells[i] ? cells[i] : "");
  buf_puts(r->b, "</tr>\n");
}

static void table_end(R *r) { out(r, r->md ? "\n" : "</tbody>\n</table></div>\n"); }

static void list_begin(R *r) {
  if (!r->md) out(r, "<ul>\n");
}
static void list_item(R *r, const char *text) {
  if (r->md) buf_printf(r->b, "- %s\n", text);
  else buf_printf(r->b, "<li>%s</li>\n", text);
}
static void list_end(R *r) { out(r, r->md ? "\n" : "</ul>\n"); }

/* ---- words ---- */

static const char *const sector_words[] = {
    N_("Government"), N_("Nonprofit"), N_("Business"), N_("Philanthropy"), N_("Education"),
    N_("Health"),     N_("Faith"),     N_("Community"), N_("Academic"),    N_("Media"),
};
static const char *const decides_words[] = {N_("the agenda"), N_("resources"), N_("priorities"), N_("evaluation"),
                                            N_("policy")};
static const char *const meets_words[] = {N_("weekly"), N_("every two weeks"), N_("monthly"), N_("quarterly"),
                                          N_("once a year")};
static const char *const activity_status_words[] = {N_("planned"), N_("under way"), N_("paused"), N_("done")};

/* The status of an indicator in words. */
static const char *status_word(EvalStatus s) {
  switch (s) {
  case EV_NO_TARGET: return _("no target");
  case EV_NO_DATA: return _("no data yet");
  case EV_MET: return _("met");
  case EV_MISSED: return _("missed");
  case EV_ON_TRACK: return _("on track");
  case EV_OFF_TRACK: return _("off track");
  case EV_AT_BASELINE: return _("at baseline");
  case EV_NOT_MET: return _("not met yet");
  default: return _("not shown");
  }
}

/* EV_STATUS_COUNT stands for a status the page does not show: it would
 * tell about a value the disclosure policy withholds. */
#define STATUS_HIDDEN ((EvalStatus)EV_STATUS_COUNT)

/* An indicator's status as the page shows it: hidden when its latest value
 * is withheld (a status, trend or projection would tell about it). */
static bool latest_hidden(const EvalIndicator *e) { return e->has_latest && disclose_withheld(e->latest_state); }
/* Whether the trend and the projection read a value the policy withholds
 * (one with a value, from the last break on): then they would tell about
 * it, and the page shows neither. */
static bool pace_hidden(const EvalIndicator *e) {
  if (latest_hidden(e)) return true;
  for (int i = e->nobs - 1; e->history && i >= 0; i--) {
    const EvalPoint *pt = &e->history[i];
    if (pt->state != DISC_SHOWN && pt->state != DISC_WITHHELD_SOURCE) return true;
    if (pt->flags & OBS_BREAK) break;
  }
  return false;
}
static EvalStatus shown_status(const EvalIndicator *e) { return latest_hidden(e) ? STATUS_HIDDEN : e->status; }
static EvalStatus shown_equity_status(const EvalEquity *q) { return q->not_shown ? STATUS_HIDDEN : q->status; }

/* The shape beside a status word (never colour alone), and its class. */
static const char *status_shape(EvalStatus s) {
  switch (s) {
  case EV_MET: return "\u2714";        /* heavy check mark */
  case EV_ON_TRACK: return "\u25b2";   /* up triangle */
  case EV_AT_BASELINE: return "\u25cb"; /* circle */
  case EV_OFF_TRACK: return "\u25bc";  /* down triangle */
  case EV_MISSED: return "\u2716";     /* heavy x */
  case EV_NOT_MET: return "\u25bd";    /* white down triangle: not yet, not missed */
  default: return "\u2013";            /* en dash */
  }
}

static const char *status_class(EvalStatus s) {
  switch (s) {
  case EV_MET: return "met";
  case EV_ON_TRACK: return "on";
  case EV_AT_BASELINE: return "base";
  case EV_OFF_TRACK: return "off";
  case EV_MISSED: return "missed";
  case EV_NOT_MET: return "off";
  default: return "none";
  }
}

static const char *status_badge(R *r, EvalStatus s) {
  if (r->md) return say(r, "%s %s", status_shape(s), word(r, status_word(s)));
  return say(r, "<span class=\"st st-%s\"><span aria-hidden=\"true\">%s</span> %s</span>", status_class(s),
             status_shape(s), word(r, status_word(s)));
}

static const char *trend_word(Trend t) {
  switch (t) {
  case TREND_IMPROVING: return _("improving");
  case TREND_WORSENING: return _("worsening");
  case TREND_FLAT: return _("no change");
  default: return "";
  }
}

/* The flags of a value in words, joined by ", ". */
static const char *flag_words(R *r, unsigned flags, bool withheld) {
  const char *w[6];
  int n = 0;
  if (withheld) w[n++] = _("not shown, to protect privacy");
  if (flags & OBS_PROVISIONAL) w[n++] = _("provisional");
  if (flags & OBS_ESTIMATED) w[n++] = _("estimated");
  if (flags & OBS_UNSTABLE) w[n++] = _("unstable: few events");
  if (flags & OBS_BREAK) w[n++] = _("series break: measured differently from here on");
  Buf b = {0};
  for (int i = 0; i < n; i++) {
    if (i) buf_puts(&b, "; ");
    esc(r, &b, w[i]);
  }
  return keep(r, &b);
}

/* ---- findings ---- */

/* The five conditions of collective impact and the standard rules that
 * test each (stdlib/collective_impact.charter). */
enum { C_AGENDA, C_MEASUREMENT, C_ACTIVITIES, C_COMMUNICATION, C_BACKBONE, C_COUNT };
static const char *const condition_words[C_COUNT] = {N_("A common agenda"), N_("Shared measurement"),
                                                     N_("Mutually reinforcing activities"),
                                                     N_("Continuous communication"), N_("Backbone support")};
static const struct {
  const char *rule;
  int condition;   /* -1: about an activity only */
  const char *what; /* what is missing, in words */
} known_rules[] = {
    {"ci_common_agenda", C_AGENDA, N_("a vision, a problem and at least one goal")},
    {"ci_goal_measured", C_MEASUREMENT, N_("an indicator for every goal")},
    {"ci_outcome_measured", C_MEASUREMENT, N_("an indicator for every outcome")},
    {"ci_indicator_baseline_target", C_MEASUREMENT, N_("a baseline and a target for every indicator")},
    {"ci_indicator_source", C_MEASUREMENT, N_("a named source for every indicator")},
    {"ci_activity_contributes", C_ACTIVITIES, N_("an outcome or goal that it works toward")},
    {"ci_activity_owner", C_ACTIVITIES, N_("a partner who owns it")},
    {"ci_outcome_has_activity", C_ACTIVITIES, N_("an activity for every short-term outcome")},
    {"ci_cross_sector", C_ACTIVITIES, N_("activity owners from at least three sectors")},
    {"ci_communication", C_COMMUNICATION, N_("a council that meets at least monthly")},
    {"ci_backbone", C_BACKBONE, N_("a backbone partner")},
    {"ci_backbone_functions", C_BACKBONE, N_("backbone partners covering all six functions")},
    {"eq_activity_community_owner", -1, N_("a community owner")},
    {"eq_activity_metric", -1, N_("a metric")},
    {"rba_measure_category", -1, N_("a metric that says what it measures")},
    {"rba_better_off", -1, N_("a metric of whether people are better off")},
};
enum { NKNOWN = sizeof known_rules / sizeof *known_rules };
_Static_assert(NKNOWN <= 32, "Findings.mask holds one bit per known rule");

static int known_rule(const char *id) {
  for (int i = 0; i < NKNOWN; i++)
    if (id && strcmp(known_rules[i].rule, id) == 0) return i;
  return -1;
}

/* Whether the program runs rule id (its module is used). */
static bool runs_rule(const Program *p, const char *id) {
  for (int i = 0; i < p->rules.len; i++) {
    const Rule *ru = p->rules.items[i];
    if (ru->decl->id && strcmp(ru->decl->id, id) == 0) return true;
  }
  return false;
}

/* Whether a finding of rule ri points inside d. */
static bool finding_in(const Diag *g, const Decl *d) {
  return g->loc.file == d->loc.file && g->loc.start >= d->loc.start && g->loc.start < d->loc.end;
}

/* The findings of each known rule (counts), and per declaration a mask of
 * known rules (by index) that found something in it. */
typedef struct Findings {
  int count[NKNOWN];
  uint32_t *mask; /* by Decl.index */
} Findings;

/* Activities ordered by where they stand (file, then first byte), so
 * that the one holding a finding is found by binary search. */
static int by_place(const void *a, const void *b) {
  const Decl *x = *(const Decl *const *)a, *y = *(const Decl *const *)b;
  if (x->loc.file != y->loc.file) return x->loc.file < y->loc.file ? -1 : 1;
  return x->loc.start < y->loc.start ? -1 : x->loc.start > y->loc.start;
}

/* The activity whose text holds the finding g, or NULL. */
static const Decl *activity_at(const Decl *const *acts, int n, const Diag *g) {
  int lo = 0, hi = n; /* the first activity placed after g's start */
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    const Decl *d = acts[mid];
    if (d->loc.file < g->loc.file || (d->loc.file == g->loc.file && d->loc.start <= g->loc.start)) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && finding_in(g, acts[lo - 1]) ? acts[lo - 1] : NULL;
}

static void findings_read(const Program *p, Findings *f) {
  memset(f->count, 0, sizeof f->count);
  f->mask = xcalloc((size_t)p->decls.len + 1, sizeof *f->mask);
  const Decl **acts = xmalloc(((size_t)p->decls.len + 1) * sizeof *acts);
  int n = 0;
  for (int j = 0; j < p->decls.len; j++)
    if (((const Decl *)p->decls.items[j])->kind == D_ACTIVITY) acts[n++] = p->decls.items[j];
  qsort(acts, (size_t)n, sizeof *acts, by_place);
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    int k = known_rule(g->rule);
    if (k < 0) continue;
    f->count[k]++;
    if (known_rules[k].condition >= 0 && known_rules[k].condition != C_ACTIVITIES) continue;
    const Decl *d = activity_at(acts, n, g);
    if (d) f->mask[d->index] |= 1u << k;
  }
  free(acts);
}

/* ---- the sections ---- */

static const char *as_of_text(R *r) {
  char day[11];
  present_day_text(r->ev ? r->ev->as_of : eval_today(), day);
  return say(r, "%s", day);
}

static void section_open(R *r, const char *id) {
  if (!r->md) buf_printf(r->b, "<section id=\"%s\" aria-labelledby=\"%s-h\">\n", id, id);
}
static void section_close(R *r) {
  if (!r->md) out(r, "</section>\n");
}

static char *hid(R *r, const char *id) { return arena_printf(&r->out->arena, "%s-h", id); }

static void coalition(R *r) {
  const Program *p = r->p;
  const Decl *ch = p->charter;
  section_open(r, "coalition");
  heading(r, 2, hid(r, "coalition"), word(r, _("The coalition")));
  if (ch) {
    bool in_lang;
    const char *v = model_text(ch, TEXT_VISION, r->lang, &in_lang);
    if (v) {
      heading(r, 3, NULL, word(r, _("Our vision")));
      prog_paras(r, v, in_lang, "vision");
    }
    const char *pr = model_text(ch, TEXT_PROBLEM, r->lang, &in_lang);
    if (pr) {
      heading(r, 3, NULL, word(r, _("The problem we work on")));
      prog_paras(r, pr, in_lang, NULL);
    }
    if (r->o->internal && model_internal_note(ch))
      para(r, say(r, "%s %s", word(r, _("Internal note:")), prog(r, model_internal_note(ch), true)));
  }
  /* goals */
  int ngoals = 0;
  for (int i = 0; i < p->decls.len; i++) ngoals += ((const Decl *)p->decls.items[i])->kind == D_GOAL;
  if (ngoals) {
    heading(r, 3, NULL, word(r, _("Our goals")));
    list_begin(r);
    for (int i = 0; i < p->decls.len; i++) {
      const Decl *d = p->decls.items[i];
      if (d->kind != D_GOAL) continue;
      bool in_lang;
      const char *note = model_text(d, TEXT_NOTE, r->lang, &in_lang);
      const char *item = note ? say(r, "%s: %s", title_of(r, d), prog(r, note, in_lang)) : title_of(r, d);
      if (r->o->internal && model_internal_note(d))
        item = say(r, "%s. %s %s", item, word(r, _("Internal note:")), prog(r, model_internal_note(d), true));
      list_item(r, item);
    }
    list_end(r);
  }
  /* partners by sector */
  int npartners = 0;
  for (int i = 0; i < p->decls.len; i++) npartners += ((const Decl *)p->decls.items[i])->kind == D_PARTNER;
  if (npartners) {
    heading(r, 3, NULL, word(r, _("Partners")));
    para(r, word(r, say(r, P_("%d partner works together in this coalition, from these sectors.",
                                 "%d partners work together in this coalition, from these sectors.", npartners),
                       npartners)));
    Table t;
    const char *heads[] = {word(r, _("Sector")), word(r, _("Partners"))};
    table_begin(r, &t, NULL, heads, 2);
    for (int s = 0; s < (int)(sizeof sector_words / sizeof *sector_words); s++) {
      Buf names = {0};
      int n = 0;
      for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind != D_PARTNER || !(partner_view(d)->sectors & (1u << s))) continue;
        if (n++) buf_puts(&names, "; ");
        buf_puts(&names, title_of(r, d));
      }
      if (!n) {
        buf_free(&names);
        continue;
      }
      const char *cells[] = {word(r, _(sector_words[s])), keep(r, &names)};
      table_row(r, &t, cells);
    }
    table_end(r);
  }
  /* councils */
  int ncouncils = 0;
  for (int i = 0; i < p->decls.len; i++) ncouncils += ((const Decl *)p->decls.items[i])->kind == D_COUNCIL;
  if (ncouncils) {
    heading(r, 3, NULL, word(r, _("Where decisions are made")));
    Table t;
    const char *heads[] = {word(r, _("Council")), word(r, _("Decides")), word(r, _("Meets")),
                           word(r, _("Seats held by community partners"))};
    table_begin(r, &t, NULL, heads, 4);
    const char **members = arena_alloc(&r->out->arena, (size_t)ncouncils * sizeof *members);
    int nc = 0;
    for (int i = 0; i < p->decls.len; i++) {
      const Decl *d = p->decls.items[i];
      if (d->kind != D_COUNCIL) continue;
      const AttrVals *mem = decl_attr(d, AT_COUNCIL_MEMBERS), *chairs = decl_attr(d, AT_COUNCIL_CHAIRS);
      const AttrVals *dec = decl_attr(d, AT_COUNCIL_DECIDES), *meets = decl_attr(d, AT_COUNCIL_MEETS);
      int community = 0;
      Buf mb = {0}, decides = {0};
      for (int k = 0; k < mem->n; k++) {
        const Decl *m = mem->vals[k].ref;
        if (!m) continue;
        community += partner_view(m)->is_community;
        if (mb.len) buf_puts(&mb, "; ");
        buf_puts(&mb, title_of(r, m));
        for (int c = 0; c < chairs->n; c++)
          if (chairs->vals[c].ref == m) buf_printf(&mb, " (%s)", word(r, _("chair")));
      }
      for (int k = 0; k < dec->n; k++) {
        if (k) buf_puts(&decides, ", ");
        esc(r, &decides, _(decides_words[dec->vals[k].form]));
      }
      const char *share =
          mem->n ? say(r, _("%d of %d (%.0f%%)"), community, mem->n, 100.0 * community / mem->n) : "";
      const char *cells[] = {title_of(r, d), keep(r, &decides),
                             meets->n ? word(r, _(meets_words[meets->vals[0].form])) : word(r, _("not stated")),
                             share};
      table_row(r, &t, cells);
      members[nc++] = say(r, r->md ? "**%s**: %s" : "<strong>%s</strong>: %s", title_of(r, d), keep(r, &mb));
    }
    table_end(r);
    para(r, word(r, _("Who sits on each council:")));
    list_begin(r);
    for (int i = 0; i < nc; i++) list_item(r, members[i]);
    list_end(r);
  }
  section_close(r);
}

/* A condition in place (the plan has what its rules ask), or not yet. */
static const char *condition_badge(R *r, bool in_place) {
  const char *w = in_place ? _("in place") : _("not yet");
  if (r->md) return say(r, "%s %s", in_place ? "\u2714" : "\u25bd", word(r, w));
  return say(r, "<span class=\"st st-%s\"><span aria-hidden=\"true\">%s</span> %s</span>", in_place ? "met" : "off",
             in_place ? "\u2714" : "\u25bd", word(r, w));
}

/* The five conditions, from the rules' findings. */
static void conditions(R *r, const Findings *f) {
  const Program *p = r->p;
  bool any = false;
  for (int k = 0; k < NKNOWN && !any; k++) any = known_rules[k].condition >= 0 && runs_rule(p, known_rules[k].rule);
  if (!any) return;
  section_open(r, "conditions");
  heading(r, 2, hid(r, "conditions"), word(r, _("The five conditions of collective impact")));
  para(r, word(r, _("What the plan itself shows, checked by charter's standard rules: a condition is in place "
                    "when none of its rules finds a gap in the plan. It says what the plan holds, not how well "
                    "the work goes.")));
  Table t;
  const char *heads[] = {word(r, _("Condition")), word(r, _("In the plan")), word(r, _("Still missing"))};
  table_begin(r, &t, NULL, heads, 3);
  for (int c = 0; c < C_COUNT; c++) {
    int checked = 0, gaps = 0;
    Buf missing = {0};
    for (int k = 0; k < NKNOWN; k++) {
      if (known_rules[k].condition != c || !runs_rule(p, known_rules[k].rule)) continue;
      checked++;
      if (!f->count[k]) continue;
      if (gaps++) buf_puts(&missing, "; ");
      esc(r, &missing, _(known_rules[k].what));
      if (f->count[k] > 1) buf_printf(&missing, " (%s)", word(r, say(r, P_("%d gap", "%d gaps", f->count[k]), f->count[k])));
    }
    const char *state = !checked ? word(r, _("not checked"))
                        : gaps  ? condition_badge(r, false)
                                : condition_badge(r, true);
    const char *cells[] = {word(r, _(condition_words[c])), state, keep(r, &missing)};
    table_row(r, &t, cells);
  }
  table_end(r);
  section_close(r);
}

/* An indicator's latest value for people. */
static const char *latest_text(R *r, const EvalIndicator *e) {
  const char *unit = unit_of(e->decl);
  Buf b = {0};
  if (e->has_latest && disclose_withheld(e->latest_state)) {
    buf_printf(&b, "%s: %s", per_words(r, e->latest_period), word(r, _("not shown, to protect privacy")));
  } else if (e->has_latest) {
    buf_printf(&b, "%s (%s)", num_unit(r, e->latest, unit), per_words(r, e->latest_period));
    if (e->latest_flags & PRESENT_SHOWN_FLAGS) buf_printf(&b, ", %s", flag_words(r, e->latest_flags & PRESENT_SHOWN_FLAGS, false));
  } else if (!e->withheld) {
    buf_puts(&b, word(r, _("no data yet")));
  }
  if (e->withheld) buf_printf(&b, "%s%s: %s", b.len ? "; " : "", per_words(r, e->withheld), word(r, _("withheld at its source")));
  if (e->stale == TRI_TRUE) buf_printf(&b, "; %s", word(r, _("out of date")));
  return keep(r, &b);
}

static const char *value_at(R *r, const Decl *d, bool has, double v, Period per) {
  if (!has) return "";
  char pt[16];
  period_text(per, pt);
  return say(r, "%s (%s)", num_unit(r, v, unit_of(d)), per_words(r, pt));
}

static const char *dim_title(R *r, const Value *line) { return line->ref ? title_of(r, line->ref) : ""; }

/* An equity line's measure against its limit, in words. */
static const char *equity_measure(R *r, const EvalIndicator *e, const EvalEquity *q) {
  const Value *l = q->line;
  const char *unit = unit_of(e->decl);
  char lim[48], by[16];
  present_num_short(l->num, lim);
  period_text(l->per, by);
  if (!q->period) return word(r, _("no data by group yet"));
  if (q->not_shown) return word(r, _("not shown, to protect privacy"));
  if (l->form == EQ_GAP) {
    if (isnan(q->gap)) return word(r, _("not known"));
    char g[48];
    present_num_short(q->gap, g);
    return say(r, _("gap of %s; target: %s or less by %s"), unit && strcmp(unit, "%") == 0 ? say(r, _("%s points"), g) : num_unit(r, q->gap, unit),
               word(r, lim), word(r, by));
  }
  if (l->form == EQ_RATIO) {
    if (isnan(q->ratio)) return word(r, _("not known"));
    char g[48];
    present_num_short(q->ratio, g);
    return say(r, _("ratio of %s; target: %s or less by %s"), word(r, g), word(r, lim), word(r, by));
  }
  if (isnan(q->value)) return word(r, _("not known"));
  return say(r, _("%s for %s; target: %s by %s"), num_unit(r, q->value, unit),
             prog(r, model_group_name(l->ref, l->str, r->lang, NULL), true), num_unit(r, l->num, unit), word(r, by));
}

/* Whether the disclosure policy withholds a value anywhere on the page. */
static bool any_withheld(const EvalResult *ev) {
  for (int i = 0; i < ev->n; i++) {
    const EvalIndicator *e = &ev->inds[i];
    for (int k = 0; e->history && k < e->nobs; k++)
      if (e->history[k].state != DISC_SHOWN && e->history[k].state != DISC_WITHHELD_SOURCE) return true;
    for (int k = 0; k < e->nequity; k++) {
      const EvalEquity *q = &e->equity[k];
      if (q->not_shown || (q->has_whole && q->whole.state != DISC_SHOWN && q->whole.state != DISC_WITHHELD_SOURCE))
        return true;
      for (int c = 0; c < q->ncells; c++)
        if (q->cells[c].state != DISC_SHOWN && q->cells[c].state != DISC_WITHHELD_SOURCE) return true;
    }
  }
  return false;
}

static void summary(R *r) {
  section_open(r, "summary");
  heading(r, 2, hid(r, "summary"), word(r, _("Results at a glance")));
  if (!r->ev) {
    para(r, word(r, _("No measurements are connected to this report yet, so it shows the plan without results. "
                      "To add them, import the partners' data with charter import and give the store to the "
                      "report with --db.")));
    section_close(r);
    return;
  }
  const EvalResult *ev = r->ev;
  /* "As of 2026-12-07: 2 met, 3 on track … of 12 indicators." */
  Buf counts = {0};
  static const EvalStatus order[] = {EV_MET,     EV_ON_TRACK, EV_AT_BASELINE, EV_OFF_TRACK,
                                     EV_MISSED, EV_NO_DATA,  EV_NO_TARGET,   STATUS_HIDDEN};
  int shown[EV_STATUS_COUNT + 1] = {0}, parts = 0;
  for (int i = 0; i < ev->n; i++) shown[shown_status(&ev->inds[i])]++;
  for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
    int n = shown[order[i]];
    if (!n) continue;
    if (parts++) buf_puts(&counts, ", ");
    /* TRANSLATORS: a count of indicators and their status: "3 on track" */
    buf_printf(&counts, _("%d %s"), n, word(r, status_word(order[i])));
  }
  if (!ev->n) {
    buf_free(&counts);
    para(r, word(r, _("The plan has no measures yet: declare an indicator for each result it aims at.")));
    section_close(r);
    return;
  }
  para(r, say(r, P_("As of %s, %d measure: %s.", "As of %s, %d measures: %s.", ev->n), as_of_text(r), ev->n,
              keep(r, &counts)));
  if (ev->disclosure_off)
    para(r, say(r, r->md ? "**%s**" : "<strong>%s</strong>", word(r, _("Internal: small numbers are shown. Do not publish this report."))));
  else if (any_withheld(ev))
    para(r, word(r, _("Some figures are not shown, to protect the privacy of the few people they count.")));
  Table t;
  const char *heads[] = {word(r, _("Measure")), word(r, _("Latest")), word(r, _("Baseline")), word(r, _("Target")),
                         word(r, _("Status")), word(r, _("Trend"))};
  table_begin(r, &t, word(r, _("Every measure's latest value against its target")), heads, 6);
  for (int i = 0; i < ev->n; i++) {
    const EvalIndicator *e = &ev->inds[i];
    const char *cells[] = {r->md ? title_of(r, e->decl) : say(r, "<a href=\"#m-%d\">%s</a>", i, title_of(r, e->decl)),
                           latest_text(r, e),
                           value_at(r, e->decl, e->has_baseline, e->baseline, e->baseline_per),
                           value_at(r, e->decl, e->has_target, e->target, e->target_per),
                           status_badge(r, shown_status(e)),
                           pace_hidden(e) ? "" : word(r, trend_word(e->trend))};
    table_row(r, &t, cells);
  }
  table_end(r);
  int nlines = 0;
  for (int i = 0; i < ev->n; i++) nlines += ev->inds[i].nequity;
  if (nlines) {
    heading(r, 3, NULL, word(r, _("Equity targets")));
    const char *eh[] = {word(r, _("Measure")), word(r, _("Groups by")), word(r, _("Where it stands")),
                        word(r, _("Status")), word(r, _("Since the previous figures"))};
    table_begin(r, &t, word(r, _("How far apart the groups are, against the coalition's equity targets")), eh, 5);
    for (int i = 0; i < ev->n; i++) {
      const EvalIndicator *e = &ev->inds[i];
      for (int k = 0; k < e->nequity; k++) {
        const EvalEquity *q = &e->equity[k];
        const char *change = q->change == EQC_NARROWED ? _("narrowed") : q->change == EQC_WIDENED ? _("widened")
                             : q->change == EQC_UNCHANGED ? _("unchanged") : "";
        const char *cells[] = {title_of(r, e->decl), dim_title(r, q->line), equity_measure(r, e, q),
                               status_badge(r, shown_equity_status(q)), word(r, q->not_shown ? "" : change)};
        table_row(r, &t, cells);
      }
    }
    table_end(r);
  }
  section_close(r);
}

/* ---- the logic model ---- */

/* Appends the attribute of the tag [tag, end) that starts with name (as
 * ` width="`), when it has one. */
static void copy_attr(Buf *outb, const char *tag, const char *end, const char *name) {
  const char *a = strstr(tag, name);
  if (!a || a >= end) return;
  const char *e = strchr(a + strlen(name), '"');
  if (e && e < end) buf_add(outb, a, (size_t)(e - a + 1));
}

/* Graphviz's SVG made fit for the page: without its prolog, comments and
 * <title> elements (they hold ids), scaled by the page, with an accessible
 * name. */
static void clean_svg(R *r, const char *svg, const char *label, Buf *outb) {
  const char *s = strstr(svg, "<svg");
  if (!s) return;
  const char *open_end = strchr(s, '>');
  if (!open_end) return;
  /* the opening tag: its size as laid out (the page lets it scroll, print
   * fits it to the page), its box, its name */
  buf_puts(outb, "<svg");
  copy_attr(outb, s, open_end, " width=\"");
  copy_attr(outb, s, open_end, " height=\"");
  const char *vb = strstr(s, "viewBox=\"");
  if (vb && vb < open_end) {
    const char *ve = strchr(vb + 9, '"');
    buf_puts(outb, " ");
    buf_add(outb, vb, (size_t)(ve - vb + 1));
  }
  buf_puts(outb, " xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"logic-title\">");
  buf_puts(outb, "<title id=\"logic-title\">");
  Buf t = {0};
  bool md = r->md;
  r->md = false; /* the SVG is XML whatever the page */
  esc(r, &t, label);
  r->md = md;
  buf_puts(outb, buf_str(&t));
  buf_free(&t);
  buf_puts(outb, "</title>");
  const char *c = open_end + 1;
  for (;;) {
    const char *com = strstr(c, "<!--"), *ti = strstr(c, "<title>");
    const char *next = com && (!ti || com < ti) ? com : ti;
    if (!next) break;
    buf_add(outb, c, (size_t)(next - c));
    const char *end = next == com ? strstr(next, "-->") : strstr(next, "</title>");
    if (!end) {
      c = next + strlen(next);
      break;
    }
    c = end + (next == com ? 3 : 8);
  }
  buf_puts(outb, c);
}

static void logic_model(R *r) {
  const Program *p = r->p;
  View v;
  if (!render_find_view(p, "logic", &v)) return;
  if (!r->o->internal) v.untitled = _("(untitled)"); /* no id on a public page */
  section_open(r, "logic");
  heading(r, 2, hid(r, "logic"), word(r, _("How the work leads to results")));
  para(r, word(r, _("The logic model: each activity, the outcomes it works toward, and the goals they lead to. "
                    "Colours and words show each result's status.")));
  RenderSize size = render_size(p, &v);
  Buf dot = {0}, svg = {0}, why = {0};
  bool drawn = false;
  if (size.nodes <= RENDER_MAX_NODES && size.edges <= RENDER_MAX_EDGES) {
    /* the overlay colours no status the page does not show */
    EvalResult shown;
    EvalIndicator *inds = NULL;
    if (r->ev) {
      shown = *r->ev;
      inds = xmalloc(((size_t)r->ev->n + 1) * sizeof *inds);
      memcpy(inds, r->ev->inds, (size_t)r->ev->n * sizeof *inds);
      for (int i = 0; i < r->ev->n; i++)
        if (latest_hidden(&inds[i])) inds[i].status = EV_NO_DATA, inds[i].trend = TREND_NULL;
      shown.inds = inds;
    }
    render_dot_status(p, &v, r->ev ? &shown : NULL, &dot);
    free(inds);
    drawn = draw_dot(buf_str(&dot), "svg", false, &svg, &why) == DRAW_OK;
  }
  const char *label = _("The logic model, from activities to goals");
  if (drawn) {
    Buf clean = {0};
    clean_svg(r, buf_str(&svg), label, &clean);
    if (r->md) {
      ReportFile *f = &r->out->files[r->out->nfiles++];
      f->name = "logic-model.svg";
      buf_puts(&f->data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      buf_add(&f->data, clean.data ? clean.data : "", clean.len);
      buf_puts(&f->data, "\n");
      buf_printf(r->b, "![%s](%s/%s)\n\n", word(r, label), r->o->chart_dir, f->name);
    } else {
      buf_printf(r->b, "<section class=\"diagram\" tabindex=\"0\" aria-label=\"%s\">", word(r, label));
      buf_add(r->b, clean.data ? clean.data : "", clean.len);
      out(r, "</section>\n");
    }
    buf_free(&clean);
  } else if (size.nodes > RENDER_MAX_NODES || size.edges > RENDER_MAX_EDGES) {
    para(r, word(r, _("The logic model is too big to draw in this report; draw it in parts with charter render.")));
  } else {
    para(r, word(r, _("The logic model could not be drawn here; charter render says why.")));
  }
  buf_free(&dot);
  buf_free(&svg);
  buf_free(&why);
  /* its text: what each activity and outcome leads to */
  if (!r->md) buf_printf(r->b, "<details><summary>%s</summary>\n", word(r, _("The logic model in words")));
  else para(r, word(r, _("The logic model in words:")));
  list_begin(r);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    const AttrVals *to = d->kind == D_ACTIVITY ? decl_attr(d, AT_ACTIVITY_CONTRIBUTES_TO)
                         : d->kind == D_OUTCOME ? decl_attr(d, AT_OUTCOME_LEADS_TO) : NULL;
    if (!to || !to->n) continue;
    const char **names = arena_alloc(&r->out->arena, (size_t)to->n * sizeof *names);
    int n = 0;
    for (int k = 0; k < to->n; k++)
      if (to->vals[k].ref) names[n++] = title_of(r, to->vals[k].ref);
    list_item(r, say(r, d->kind == D_ACTIVITY ? _("%s works toward %s.") : _("%s leads to %s."), title_of(r, d),
                     join(r, names, n)));
  }
  list_end(r);
  if (!r->md) out(r, "</details>\n");
  section_close(r);
}

/* ---- one measure over time ---- */

/* The last day of the latest observation flagged break, or INT32_MIN. */
static int32_t break_day(const EvalIndicator *e) {
  for (int i = e->nobs - 1; e->history && i >= 0; i--)
    if (e->history[i].flags & OBS_BREAK) return e->history[i].t;
  return INT32_MIN;
}

/* The decimals the measure's own figures are written with (its shown
 * values, baseline and target; at most 2): a projection is rounded to
 * them, so it claims no more precision than the data. */
static int decimals_of(const EvalIndicator *e) {
  int most = 0;
  char t[48];
  for (int i = 0; i <= e->nobs + 1; i++) {
    double v = i < e->nobs ? (e->history && !isnan(e->history[i].value) ? e->history[i].value : NAN)
               : i == e->nobs ? (e->has_baseline ? e->baseline : NAN)
                              : (e->has_target ? e->target : NAN);
    if (isnan(v)) continue;
    present_num_short(v, t);
    const char *dot = strchr(t, '.');
    int d = dot ? (int)strlen(dot + 1) : 0;
    if (d > most) most = d;
  }
  return most;
}

static double rounded(double v, int decimals) {
  double f = pow(10, decimals);
  return round(v * f) / f;
}

/* The sentences above an indicator's chart. */
static const char *measure_sentences(R *r, const EvalIndicator *e) {
  const Decl *d = e->decl;
  const char *unit = unit_of(d), *t = title_of(r, d);
  Buf b = {0};
  bool shown = e->has_latest && !disclose_withheld(e->latest_state);
  if (!e->has_latest && e->withheld) {
    buf_printf(&b, _("The figure for %s (%s) was withheld by its source."), t, per_words(r, e->withheld));
  } else if (!e->has_latest) {
    buf_printf(&b, _("There is no data for %s yet."), t);
  } else if (!shown) {
    buf_printf(&b, _("The latest figure for %s (%s) is not shown, to protect the privacy of the few people it counts."),
               t, per_words(r, e->latest_period));
  } else if (e->has_baseline && e->latest_t > period_last_day(e->baseline_per) &&
             period_last_day(e->baseline_per) >= break_day(e)) {
    const char *from = num_unit(r, e->baseline, unit), *to = num_unit(r, e->latest, unit);
    const char *bp = period_of(r, e->baseline_per), *lp = per_words(r, e->latest_period);
    if (e->latest > e->baseline) buf_printf(&b, _("%s rose from %s in %s to %s in %s."), t, from, bp, to, lp);
    else if (e->latest < e->baseline) buf_printf(&b, _("%s fell from %s in %s to %s in %s."), t, from, bp, to, lp);
    else buf_printf(&b, _("%s was %s in %s, the same as in %s."), t, to, lp, bp);
  } else {
    buf_printf(&b, _("%s was %s in %s."), t, num_unit(r, e->latest, unit), per_words(r, e->latest_period));
  }
  if (shown && e->has_target) {
    const char *target = num_unit(r, e->target, unit), *by = period_of(r, e->target_per);
    bool due = r->ev && r->ev->as_of >= period_last_day(e->target_per);
    if (due && (e->status == EV_MET || e->status == EV_MISSED)) {
      buf_printf(&b, " %s", say(r, _("The target was %s by %s."), target, by));
    } else if (e->status == EV_MET) {
      buf_printf(&b, " %s", say(r, _("It has already reached the target of %s, due by %s."), target, by));
    } else if (!isnan(e->projected) && !pace_hidden(e)) {
      const char *proj = num_unit(r, rounded(e->projected, decimals_of(e)), unit);
      if (e->projected_met == TRI_TRUE)
        buf_printf(&b, " %s", say(r, _("At this pace it reaches %s by %s, meeting the target of %s."), proj, by, target));
      else
        buf_printf(&b, " %s", say(r, _("At this pace it reaches %s by %s, short of the target of %s."), proj, by, target));
      if (e->projected_clamped) buf_printf(&b, " %s", word(r, _("(The pace would carry it past what is possible, so the projection stops at the limit.)")));
      if (e->projected_met == TRI_TRUE && e->status == EV_OFF_TRACK)
        buf_printf(&b, " %s", word(r, _("Today, though, it is behind the path the plan sets toward the target.")));
      else if (e->projected_met == TRI_FALSE && e->status == EV_ON_TRACK)
        buf_printf(&b, " %s", word(r, _("Today it is on the path the plan sets, but the recent pace falls short.")));
    } else {
      buf_printf(&b, " %s", say(r, _("The target is %s by %s."), target, by));
      if (pace_hidden(e))
        buf_printf(&b, " %s", word(r, _("Where it is heading is not shown: it would tell about figures withheld to protect privacy.")));
      else if (e->nvalues > 0 && e->nvalues < 3)
        buf_printf(&b, " %s", word(r, _("It takes three values to project where it is heading.")));
    }
  }
  if (e->break_period)
    buf_printf(&b, " %s", say(r, _("It has been measured differently since %s, so earlier values are not compared with later ones."),
                              per_words(r, e->break_period)));
  if (shown && (e->latest_flags & OBS_PROVISIONAL)) buf_printf(&b, " %s", word(r, _("The latest figure is provisional and may change.")));
  if (shown && (e->latest_flags & OBS_ESTIMATED)) buf_printf(&b, " %s", word(r, _("The latest figure is an estimate.")));
  if (shown && (e->latest_flags & OBS_UNSTABLE)) buf_printf(&b, " %s", word(r, _("The latest figure counts few events, so it can swing by chance.")));
  if (e->stale == TRI_TRUE) buf_printf(&b, " %s", word(r, _("The data are out of date: a newer figure was due.")));
  buf_printf(&b, " %s %s.", word(r, _("Status:")), word(r, status_word(shown_status(e))));
  return keep(r, &b);
}

/* The chart's file name (markdown) or id prefix: the indicator's position. */
static void chart_place(R *r, const char *figure, const char *name, const char *alt) {
  if (!r->md) {
    out(r, figure);
    return;
  }
  const char *s = strstr(figure, "<svg"), *e = strstr(figure, "</svg>");
  if (!s || !e) return;
  ReportFile *f = &r->out->files[r->out->nfiles++];
  f->name = name;
  buf_puts(&f->data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  const char *open_end = strchr(s, '>');
  buf_add(&f->data, s, (size_t)(open_end - s));
  if (!strstr(s, "xmlns=") || strstr(s, "xmlns=") > open_end) buf_puts(&f->data, " xmlns=\"http://www.w3.org/2000/svg\"");
  buf_add(&f->data, open_end, (size_t)(e + 6 - open_end));
  buf_puts(&f->data, "\n");
  buf_printf(r->b, "![%s](%s/%s)\n\n", alt, r->o->chart_dir, name);
}

static void measure(R *r, int i) {
  const EvalIndicator *e = &r->ev->inds[i];
  const Decl *d = e->decl;
  const IndicatorView *iv = indicator_view(d);
  char *id = arena_printf(&r->out->arena, "m-%d", i);
  if (!r->md) buf_printf(r->b, "<article class=\"measure\" aria-labelledby=\"%s\">\n", id);
  heading(r, 3, id, title_of(r, d));
  const char *sentences = measure_sentences(r, e);
  para(r, sentences);
  bool in_lang;
  const char *note = model_text(d, TEXT_NOTE, r->lang, &in_lang);
  if (note) para(r, prog(r, note, in_lang));
  if (r->o->internal && model_internal_note(d))
    para(r, say(r, "%s %s", word(r, _("Internal note:")), prog(r, model_internal_note(d), true)));
  /* the chart */
  ChartPoint *pts = e->nobs ? arena_alloc(&r->out->arena, (size_t)e->nobs * sizeof *pts) : NULL;
  int npts = 0;
  for (int k = 0; k < e->nobs && e->history; k++) {
    const EvalPoint *h = &e->history[k];
    pts[npts++] = (ChartPoint){h->tt, h->period, h->value, h->flags, disclose_withheld(h->state),
                               (h->flags & OBS_UNSTABLE) != 0};
  }
  ChartMark *ms = iv->nmilestones ? arena_alloc(&r->out->arena, (size_t)iv->nmilestones * sizeof *ms) : NULL;
  char pbuf[16];
  for (int k = 0; k < iv->nmilestones; k++) {
    period_text(iv->milestones[k].per, pbuf);
    ms[k] = (ChartMark){period_trend_day(iv->milestones[k].per), iv->milestones[k].num,
                        arena_strdup(&r->out->arena, pbuf)};
  }
  TurnCurve c = {.id = id, .title = plain_title(r, d), .desc = NULL, .unit = iv->unit, .lo = iv->lo, .hi = iv->hi,
                 .dir = iv->dir, .points = pts, .npoints = npts, .milestones = ms, .nmilestones = iv->nmilestones,
                 .status = status_word(shown_status(e)), .level = present_level_of(shown_status(e))};
  /* the desc: the same sentences as plain text (the chart escapes it) */
  bool was = r->plain;
  r->plain = true;
  c.desc = measure_sentences(r, e);
  r->plain = was;
  if (e->has_baseline) {
    period_text(e->baseline_per, pbuf);
    c.has_baseline = true;
    c.baseline = (ChartMark){period_trend_day(e->baseline_per), e->baseline, arena_strdup(&r->out->arena, pbuf)};
  }
  if (e->has_target) {
    period_text(e->target_per, pbuf);
    c.has_target = true;
    c.target = (ChartMark){period_trend_day(e->target_per), e->target, arena_strdup(&r->out->arena, pbuf)};
  }
  if (!isnan(e->projected) && e->has_target && !pace_hidden(e)) {
    c.has_projection = true;
    c.projection = (ChartMark){period_trend_day(e->target_per), rounded(e->projected, decimals_of(e)), c.target.period};
    c.projection_clamped = e->projected_clamped;
  }
  if (e->break_period)
    for (int k = npts - 1; k >= 0; k--)
      if (pts[k].flags & OBS_BREAK) {
        c.has_break = true, c.break_x = pts[k].x;
        break;
      }
  if (e->stale == TRI_TRUE) c.stale = _("The data are out of date: a newer figure was due.");
  Buf fig = {0};
  chart_turn_curve(&fig, &c);
  chart_place(r, buf_str(&fig), arena_printf(&r->out->arena, "measure-%d.svg", i + 1),
              say(r, "%s: %s", word(r, _("Chart")), word(r, plain_title(r, d))));
  buf_free(&fig);
  /* the numbers behind it */
  if (npts) {
    if (!r->md) buf_printf(r->b, "<details><summary>%s</summary>\n", word(r, _("The numbers behind the chart")));
    Table t;
    const char *heads[] = {word(r, _("Period")), word(r, _("Value")), word(r, _("Note"))};
    table_begin(r, &t, r->md ? word(r, _("The numbers behind the chart:")) : NULL, heads, 3);
    for (int k = 0; k < npts; k++) {
      const char *cells[] = {per_words(r, pts[k].period), pts[k].withheld ? word(r, _("not shown")) : num_unit(r, pts[k].value, iv->unit),
                             flag_words(r, pts[k].flags, pts[k].withheld)};
      table_row(r, &t, cells);
    }
    table_end(r);
    if (!r->md) out(r, "</details>\n");
  }
  if (!r->md) out(r, "</article>\n");
}

static void measures(R *r) {
  if (!r->ev || !r->ev->n) return;
  section_open(r, "measures");
  heading(r, 2, hid(r, "measures"), word(r, _("Each measure over time")));
  para(r, word(r, _("Each chart shows the values reported so far, the baseline, the target and the straight path "
                    "between them; a dotted line shows where the recent pace leads.")));
  for (int i = 0; i < r->ev->n; i++) measure(r, i);
  section_close(r);
}

/* ---- equity ---- */

/* The sentences of one equity line. */
static const char *equity_sentences(R *r, const EvalIndicator *e, const EvalEquity *q) {
  const Decl *dim = q->line->ref;
  Buf s = {0};
  if (!q->period) {
    buf_puts(&s, word(r, _("There is no data by group yet.")));
    return keep(r, &s);
  }
  if (q->line->form == EQ_GROUP) {
    bool in_lang;
    const char *name = model_group_name(dim, q->line->str, r->lang, &in_lang);
    /* TRANSLATORS: "White in 2025: 11.25% for White; target: 12% by 2026." */
    buf_printf(&s, _("%s in %s: %s."), prog(r, name, in_lang), per_words(r, q->period), equity_measure(r, e, q));
  } else {
    /* TRANSLATORS: "In 2025: gap of 3 points; target: 5 or less by 2030." */
    buf_printf(&s, _("In %s: %s."), per_words(r, q->period), equity_measure(r, e, q));
  }
  bool apart = q->line->form == EQ_RATIO ? !isnan(q->ratio) && q->ratio != 1 : !isnan(q->gap) && q->gap != 0;
  if (q->worst && !q->not_shown && q->line->form != EQ_GROUP && apart) {
    bool in_lang;
    const char *name = model_group_name(dim, q->worst, r->lang, &in_lang);
    buf_printf(&s, " %s", say(r, _("Furthest behind: %s."), prog(r, name, in_lang)));
  }
  if (q->reference_worsened && !q->not_shown)
    buf_printf(&s, " %s", word(r, _("The gap narrowed only because the reference group did worse.")));
  buf_printf(&s, " %s %s.", word(r, _("Status:")), word(r, status_word(shown_equity_status(q))));
  return keep(r, &s);
}

/* The equity lines of indicator i on one dimension, lines ks[0..nk): their
 * sentences, then one chart and one table of the groups at the first
 * line's snapshot (the lines of one dimension share it). */
static void equity_dimension(R *r, const EvalIndicator *e, int i, const int *ks, int nk) {
  const EvalEquity *q = &e->equity[ks[0]];
  const Decl *d = e->decl, *dim = q->line->ref;
  const IndicatorView *iv = indicator_view(d);
  int k = ks[0];
  char *id = arena_printf(&r->out->arena, "q-%d-%d", i, k);
  if (!r->md) buf_printf(r->b, "<article class=\"equity\" aria-labelledby=\"%s\">\n", id);
  heading(r, 3, id, say(r, _("%s, by %s"), title_of(r, d), title_of(r, dim)));
  for (int j = 0; j < nk; j++) para(r, equity_sentences(r, e, &e->equity[ks[j]]));
  /* the chart: one bar per group of the dimension with a cell */
  const AttrVals *groups = decl_attr(dim, AT_DIMENSION_GROUPS);
  EquityBar *bars = arena_alloc(&r->out->arena, ((size_t)groups->n + 1) * sizeof *bars);
  int nbars = 0;
  bool has_whole = false;
  double whole = NAN;
  if (q->has_whole && !disclose_withheld(q->whole.state)) has_whole = true, whole = q->whole.value;
  for (int c = 0; c < q->ncells; c++) {
    const EvalCell *cell = &q->cells[c];
    bool in_lang;
    const char *name = model_group_name(dim, cell->group, r->lang, &in_lang);
    bars[nbars++] = (EquityBar){name, in_lang, cell->value, disclose_withheld(cell->state), cell->unstable,
                                q->reference && strcmp(q->reference, cell->group) == 0,
                                q->worst && strcmp(q->worst, cell->group) == 0 && !q->not_shown,
                                q->best && strcmp(q->best, cell->group) == 0 && !q->not_shown};
  }
  const char **missing = arena_alloc(&r->out->arena, ((size_t)q->nmissing + 1) * sizeof *missing);
  for (int m = 0; m < q->nmissing; m++) missing[m] = model_group_name(dim, q->missing[m], r->lang, NULL);
  if (q->period) {
    EquityChart ec = {.id = id, .title = say(r, "%s, %s", plain_title(r, d), plain_title(r, dim)), .desc = NULL,
                      .unit = iv->unit, .lo = iv->lo, .hi = iv->hi, .bars = bars, .nbars = nbars,
                      .has_whole = has_whole, .whole = whole, .measure = NULL, .missing = missing,
                      .nmissing = q->nmissing > 0 ? q->nmissing : 0};
    /* plain texts for the chart (it escapes them) */
    bool was = r->plain;
    r->plain = true;
    ec.measure = equity_measure(r, e, q);
    Buf desc = {0};
    for (int j = 0; j < nk; j++) buf_printf(&desc, "%s%s", j ? " " : "", equity_sentences(r, e, &e->equity[ks[j]]));
    ec.desc = keep(r, &desc);
    r->plain = was;
    Buf fig = {0};
    chart_equity(&fig, &ec);
    chart_place(r, buf_str(&fig), arena_printf(&r->out->arena, "equity-%d-%d.svg", i + 1, k + 1),
                say(r, "%s: %s", word(r, _("Chart")), word(r, ec.title)));
    buf_free(&fig);
    if (!r->md) buf_printf(r->b, "<details><summary>%s</summary>\n", word(r, _("The numbers behind the chart")));
    Table t;
    const char *heads[] = {word(r, _("Group")), word(r, _("Value")), word(r, _("Note"))};
    table_begin(r, &t, r->md ? word(r, _("The numbers behind the chart:")) : NULL, heads, 3);
    if (has_whole) {
      const char *cells[] = {word(r, _("Everyone")), num_unit(r, whole, iv->unit), ""};
      table_row(r, &t, cells);
    }
    for (int b = 0; b < nbars; b++) {
      Buf note = {0};
      if (bars[b].reference) esc(r, &note, _("reference group"));
      if (bars[b].unstable) buf_printf(&note, "%s%s", note.len ? "; " : "", word(r, _("unstable: few events")));
      if (bars[b].withheld) buf_printf(&note, "%s%s", note.len ? "; " : "", word(r, _("not shown, to protect privacy")));
      const char *cells[] = {prog(r, bars[b].group, bars[b].group_in_lang),
                             bars[b].withheld ? word(r, _("not shown")) : num_unit(r, bars[b].value, iv->unit),
                             keep(r, &note)};
      table_row(r, &t, cells);
    }
    for (int m = 0; m < (q->nmissing > 0 ? q->nmissing : 0); m++) {
      bool in_lang;
      const char *name = model_group_name(dim, q->missing[m], r->lang, &in_lang);
      const char *cells[] = {prog(r, name, in_lang), word(r, _("no data")), ""};
      table_row(r, &t, cells);
    }
    table_end(r);
    if (!r->md) out(r, "</details>\n");
  }
  if (!r->md) out(r, "</article>\n");
}

static void equity(R *r) {
  if (!r->ev) return;
  int lines = 0;
  for (int i = 0; i < r->ev->n; i++) lines += r->ev->inds[i].nequity;
  if (!lines) return;
  section_open(r, "equity");
  heading(r, 2, hid(r, "equity"), word(r, _("Results by group")));
  para(r, word(r, _("Each chart shows every group's latest value, so that no group is hidden in an average. "
                    "Groups without data are named.")));
  for (int i = 0; i < r->ev->n; i++) {
    const EvalIndicator *e = &r->ev->inds[i];
    int *ks = e->nequity ? xmalloc((size_t)e->nequity * sizeof *ks) : NULL;
    for (int k = 0; k < e->nequity; k++) {
      const Decl *dim = e->equity[k].line->ref;
      bool seen = !dim;
      for (int j = 0; j < k && !seen; j++) seen = e->equity[j].line->ref == dim;
      if (seen) continue;
      int nk = 0;
      for (int j = k; j < e->nequity; j++)
        if (e->equity[j].line->ref == dim) ks[nk++] = j;
      equity_dimension(r, e, i, ks, nk);
    }
    free(ks);
  }
  section_close(r);
}

/* ---- activities ---- */

static bool lists(const AttrVals *a, const Decl *d) {
  for (int i = 0; i < a->n; i++)
    if (a->vals[i].ref == d) return true;
  return false;
}

static const char *refs_text(R *r, const AttrVals *a) {
  Buf b = {0};
  for (int i = 0; i < a->n; i++) {
    if (!a->vals[i].ref) continue;
    if (b.len) buf_puts(&b, "; ");
    buf_puts(&b, title_of(r, a->vals[i].ref));
  }
  return keep(r, &b);
}

/* Ends the sentence in b (a period unless it has one), then a space. */
static void next_sentence(Buf *b) {
  const char *t = buf_str(b);
  size_t n = strlen(t);
  while (n && t[n - 1] == ' ') n--;
  buf_puts(b, n && strchr(".!?", t[n - 1]) ? " " : ". ");
}

static void activity_item(R *r, const Decl *a, const Findings *f) {
  const ActivityView *av = activity_view(a);
  Buf b = {0};
  if (r->md) buf_printf(&b, "**%s**", title_of(r, a));
  else buf_printf(&b, "<strong>%s</strong>", title_of(r, a));
  if (av->has_status) buf_printf(&b, " (%s)", word(r, _(activity_status_words[av->status])));
  if (av->community_owners && av->community_owners->n) {
    next_sentence(&b);
    buf_printf(&b, "%s %s", word(r, _("Community owners:")), refs_text(r, av->community_owners));
  }
  if (av->metrics && av->metrics->n) {
    next_sentence(&b);
    buf_printf(&b, "%s %s", word(r, _("Measured by:")), refs_text(r, av->metrics));
  }
  bool in_lang;
  const char *note = model_text(a, TEXT_NOTE, r->lang, &in_lang);
  if (note) {
    next_sentence(&b);
    buf_puts(&b, prog(r, note, in_lang));
  }
  if (r->o->internal && model_internal_note(a)) {
    next_sentence(&b);
    buf_printf(&b, "%s %s", word(r, _("Internal note:")), prog(r, model_internal_note(a), true));
  }
  const char *miss[NKNOWN];
  int n = 0;
  for (int k = 0; k < NKNOWN; k++)
    if (f->mask[a->index] & (1u << k)) miss[n++] = word(r, _(known_rules[k].what));
  if (n) {
    next_sentence(&b);
    buf_printf(&b, r->md ? "**%s** %s" : "<strong>%s</strong> %s", word(r, _("Still missing:")), join(r, miss, n));
  }
  const char *t = buf_str(&b);
  if (!strchr(".!?", t[strlen(t) - 1])) buf_putc(&b, '.');
  list_item(r, keep(r, &b));
}

static void activities(R *r, const Findings *f) {
  const Program *p = r->p;
  int nact = 0;
  for (int i = 0; i < p->decls.len; i++) nact += ((const Decl *)p->decls.items[i])->kind == D_ACTIVITY;
  if (!nact) return;
  section_open(r, "activities");
  heading(r, 2, hid(r, "activities"), word(r, _("Who does what")));
  para(r, word(r, _("The coalition's activities by the partner that leads them, with the community partners who "
                    "own them too and the measures that show whether they work.")));
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *pa = p->decls.items[i];
    if (pa->kind != D_PARTNER) continue;
    int n = 0;
    for (int j = 0; j < p->decls.len; j++) {
      const Decl *a = p->decls.items[j];
      if (a->kind == D_ACTIVITY && activity_view(a)->owners && lists(activity_view(a)->owners, pa)) n++;
    }
    if (!n) continue;
    heading(r, 3, NULL, title_of(r, pa));
    list_begin(r);
    for (int j = 0; j < p->decls.len; j++) {
      const Decl *a = p->decls.items[j];
      if (a->kind == D_ACTIVITY && activity_view(a)->owners && lists(activity_view(a)->owners, pa)) activity_item(r, a, f);
    }
    list_end(r);
  }
  int orphans = 0;
  for (int j = 0; j < p->decls.len; j++) {
    const Decl *a = p->decls.items[j];
    orphans += a->kind == D_ACTIVITY && (!activity_view(a)->owners || !activity_view(a)->owners->n);
  }
  if (orphans) {
    heading(r, 3, NULL, word(r, _("Activities without a lead partner")));
    list_begin(r);
    for (int j = 0; j < p->decls.len; j++) {
      const Decl *a = p->decls.items[j];
      if (a->kind == D_ACTIVITY && (!activity_view(a)->owners || !activity_view(a)->owners->n)) activity_item(r, a, f);
    }
    list_end(r);
  }
  section_close(r);
}

/* ---- the whole ---- */

static const char page_css[] =
    ":root{color-scheme:light}"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",Arial,sans-serif;color:#1a1a1a;"
    "background:#fff;line-height:1.5;margin:0 auto;max-width:60rem;padding:1rem 1.25rem 3rem;font-size:1.0625rem}"
    "h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0}h2{font-size:1.5rem;margin:2.5rem 0 .75rem;"
    "border-bottom:2px solid #1a1a1a;padding-bottom:.25rem}h3{font-size:1.2rem;margin:1.75rem 0 .5rem}"
    ".lede{color:#3d3d3d}a{color:#0b57a4}"
    ".table{overflow-x:auto;margin:.75rem 0}table{border-collapse:collapse;width:100%;font-size:.95rem}"
    "caption{text-align:left;font-weight:600;padding:.25rem 0}"
    "th,td{border:1px solid #8a8a8a;padding:.35rem .5rem;text-align:left;vertical-align:top}"
    "thead th{background:#ececec}tbody th{font-weight:600}"
    ".st{white-space:nowrap;font-weight:600;padding:0 .3rem;border-radius:.2rem;border:1px solid currentColor}"
    ".st-met{color:#14532d;background:#e3f4e8}.st-on{color:#1d4f91;background:#e6effa}"
    ".st-base{color:#4a4a4a;background:#f2f2f2}.st-off{color:#8a3b00;background:#fff1e0}"
    ".st-missed{color:#9b1c1c;background:#fde8e8}.st-none{color:#4a4a4a;background:#fff}"
    ".diagram{overflow:auto;border:1px solid #8a8a8a;margin:.75rem 0;max-height:80vh}"
    ".diagram svg{display:block}"
    "figure{margin:1rem 0}figure.chart{overflow-x:auto}.chart-svg{max-width:720px;min-width:540px;height:auto;display:block}"
    ".chart-key{display:inline-block;margin-right:1em;white-space:nowrap}.chart-key-mark{vertical-align:middle;margin-right:.3em}"
    "details{margin:.5rem 0 1.5rem}summary{cursor:pointer;color:#0b57a4}"
    "code{font-size:.9em;background:#f2f2f2;padding:0 .2rem}"
    ".banner{border:2px solid #9b1c1c;color:#9b1c1c;padding:.5rem .75rem;font-weight:700}"
    "footer{margin-top:3rem;font-size:.9rem;color:#3d3d3d;border-top:1px solid #8a8a8a;padding-top:.5rem}"
    "@media print{body{max-width:none;padding:0;font-size:11pt}"
    "@page{margin:1.6cm 1.4cm}"
    "#logic,#measures,#equity,#activities{break-before:page}"
    "h2,h3{break-after:avoid}figure,tr,.diagram,article>p{break-inside:avoid}thead{display:table-header-group}"
    ".diagram{overflow:visible;max-height:none;border:0}.diagram svg{width:100%;height:auto;max-height:15cm}"
    "details>summary{display:none}details{display:block}figure.chart{overflow:visible}.chart-svg{min-width:0}"
    "a{color:inherit;text-decoration:none}}";

void report_build(const Program *p, const ReportOptions *o, Report *rep) {
  memset(rep, 0, sizeof *rep);
  arena_init(&rep->arena);
  R r = {.p = p, .o = o, .ev = o->ev, .lang = i18n_lang(), .md = o->format == REPORT_MD, .b = &rep->text, .out = rep};
  /* room for every chart a markdown report writes */
  int nfiles = 2;
  if (o->ev)
    for (int i = 0; i < o->ev->n; i++) nfiles += 1 + o->ev->inds[i].nequity;
  rep->files = xcalloc((size_t)nfiles, sizeof *rep->files);
  Findings f;
  findings_read(p, &f);
  const char *name = p->charter ? title_of(&r, p->charter) : word(&r, _("Our coalition"));
  const char *doc_title = say(&r, _("%s: plan and results"), name);
  if (!r.md) {
    buf_printf(r.b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    /* the page asks for nothing outside it, and runs nothing */
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; img-src data:\">\n",
               i18n_code(r.lang));
    /* the title element takes text only */
    const char *plain = p->charter ? plain_title(&r, p->charter) : _("Our coalition");
    Buf t = {0};
    esc(&r, &t, say(&r, _("%s: plan and results"), plain));
    buf_printf(r.b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", buf_str(&t), page_css);
    buf_free(&t);
    out(&r, "<header>\n");
  }
  heading(&r, 1, NULL, doc_title);
  /* the line under the title: region, period, as of */
  Buf lede = {0};
  if (p->charter) {
    const AttrVals *region = decl_attr(p->charter, AT_CHARTER_REGION), *period = decl_attr(p->charter, AT_CHARTER_PERIOD);
    if (region->n) buf_printf(&lede, "%s. ", prog(&r, region->vals[0].str, r.lang == LANG_EN));
    if (period->n) {
      char a[16], b[16];
      period_text(period->vals[0].per, a);
      period_text(period->vals[0].per2, b);
      buf_printf(&lede, "%s. ", say(&r, _("Plan for %s to %s"), word(&r, a), word(&r, b)));
    }
  }
  if (o->ev) buf_printf(&lede, "%s", say(&r, _("Results as of %s."), as_of_text(&r)));
  else buf_printf(&lede, "%s", word(&r, _("No results connected yet.")));
  if (r.md) para(&r, keep(&r, &lede));
  else buf_printf(r.b, "<p class=\"lede\">%s</p>\n", keep(&r, &lede));
  if (o->ev && o->ev->disclosure_off && !r.md)
    buf_printf(r.b, "<p class=\"banner\">%s</p>\n", word(&r, _("Internal: small numbers are shown. Do not publish this report.")));
  if (!r.md) {
    /* the contents */
    buf_printf(r.b, "<nav aria-label=\"%s\"><ul>\n", word(&r, _("Contents")));
    buf_printf(r.b, "<li><a href=\"#coalition\">%s</a></li>\n", word(&r, _("The coalition")));
    buf_printf(r.b, "<li><a href=\"#summary\">%s</a></li>\n", word(&r, _("Results at a glance")));
    buf_printf(r.b, "<li><a href=\"#logic\">%s</a></li>\n", word(&r, _("How the work leads to results")));
    if (o->ev && o->ev->n) buf_printf(r.b, "<li><a href=\"#measures\">%s</a></li>\n", word(&r, _("Each measure over time")));
    int lines = 0;
    for (int i = 0; o->ev && i < o->ev->n; i++) lines += o->ev->inds[i].nequity;
    if (lines) buf_printf(r.b, "<li><a href=\"#equity\">%s</a></li>\n", word(&r, _("Results by group")));
    buf_printf(r.b, "<li><a href=\"#activities\">%s</a></li>\n", word(&r, _("Who does what")));
    out(&r, "</ul></nav>\n</header>\n<main>\n");
  }
  coalition(&r);
  conditions(&r, &f);
  summary(&r);
  logic_model(&r);
  measures(&r);
  equity(&r);
  activities(&r, &f);
  if (!r.md) {
    out(&r, "</main>\n<footer>\n");
    para(&r, word(&r, _("Made with charter from the coalition's plan and shared data.")));
    out(&r, "</footer>\n</body>\n</html>\n");
  } else {
    para(&r, say(&r, "_%s_", word(&r, _("Made with charter from the coalition's plan and shared data."))));
  }
  free(f.mask);
}

void report_free(Report *r) {
  buf_free(&r->text);
  for (int i = 0; i < r->nfiles; i++) buf_free(&r->files[i].data);
  free(r->files);
  arena_free(&r->arena);
  memset(r, 0, sizeof *r);
}
