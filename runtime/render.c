/* Views as DOT. A view's nodes (chosen in view.c) are drawn in bands (the
 * logic model's columns, the pathway's horizons) under headings chained in
 * order by invisible edges. Everything is emitted in declaration order, so
 * the same program gives the same bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "i18n.h"
#include "model.h"
#include "present.h"
#include "render.h"

/* ---- the palette: restrained, and legible in greyscale ---- */

/* Helvetica metrics lay the text out (Graphviz's own tables, see
 * cmd_render.c); the viewer takes the first of these fonts it has, and
 * Arial and Liberation Sans share those metrics. */
#define FONT "Helvetica,Arial,Liberation Sans,sans-serif"
#define INK "#1F2937"
#define BAND_FILL "#F3F4F6"
#define BAND_INK "#374151"
#define MUTED "#6B7280"
#define OWNS_LINE "#9CA3AF"
#define PARTNER_FILL "#FFFFFF"
#define PARTNER_LINE "#6B7280"
#define COMMUNITY_FILL "#FDF0E1"
#define COMMUNITY_LINE "#B45309"
#define ACTIVITY_FILL "#E6EEF8"
#define ACTIVITY_LINE "#3B6EA8"
#define OUTPUT_FILL "#FFFFFF"
#define OUTPUT_LINE "#3B6EA8"
#define OUTCOME_FILL "#E5F2E9"
#define OUTCOME_LINE "#2F7D4F"
#define GOAL_FILL "#24476B"
#define GOAL_LINE "#24476B"
#define ASSUME_FILL "#FFF9E0"
#define ASSUME_LINE "#B7950B"
#define WARN_INK "#B91C1C"
/* The status overlay (render --db): the word is always in the caption too.
 * Stronger fills than the kinds' pale ones, so that no status resembles a
 * kind, nor another status, for a reader with deuteranopia or protanopia;
 * dark text on each, and a border that stands out from the white page
 * (tests/unit/test_palette.c measures all three; docs/measurement.md). */
#define MET_FILL "#34D399"
#define MET_LINE "#065F46"
#define ON_TRACK_FILL "#A3E635"
#define ON_TRACK_LINE "#3F6212"
#define OFF_TRACK_FILL "#FDBA74"
#define OFF_TRACK_LINE "#C2410C"
#define MISSED_FILL "#F87171"
#define MISSED_LINE "#991B1B"
#define AT_BASELINE_FILL "#7DD3FC"
#define AT_BASELINE_LINE "#0369A1"
#define NO_DATA_FILL "#9CA3AF"
#define NO_DATA_LINE "#374151"
#define OWNS_EDGE "color=\"" OWNS_LINE "\""
#define COMMUNITY_EDGE "color=\"" COMMUNITY_LINE "\", penwidth=2.2"
#define COMMUNITY_NODE "fillcolor=\"" COMMUNITY_FILL "\", color=\"" COMMUNITY_LINE "\""

const RenderSwatch render_swatches[] = {
    {"partner", PARTNER_FILL, PARTNER_LINE, false},
    {"community owner", COMMUNITY_FILL, COMMUNITY_LINE, false},
    {"activity", ACTIVITY_FILL, ACTIVITY_LINE, false},
    {"output", OUTPUT_FILL, OUTPUT_LINE, false},
    {"outcome", OUTCOME_FILL, OUTCOME_LINE, false},
    {"goal", GOAL_FILL, GOAL_LINE, false},
    {"assumption", ASSUME_FILL, ASSUME_LINE, false},
    {"missed", MISSED_FILL, MISSED_LINE, true},
    {"off track", OFF_TRACK_FILL, OFF_TRACK_LINE, true},
    {"at baseline", AT_BASELINE_FILL, AT_BASELINE_LINE, true},
    {"on track", ON_TRACK_FILL, ON_TRACK_LINE, true},
    {"met", MET_FILL, MET_LINE, true},
    {"no status", NO_DATA_FILL, NO_DATA_LINE, true},
};
const int render_nswatches = (int)(sizeof render_swatches / sizeof *render_swatches);
const char render_status_ink[] = INK;

enum { NODE_WRAP = 24, CAPTION_WRAP = 32, TITLE_WRAP = 90 };

/* The title in the reader's language (title_es in Spanish, when given), or
 * the id when the title is empty or only white space. */
static const char *title_of(const View *v, const Decl *d) {
  const char *t = model_text(d, TEXT_TITLE, i18n_lang(), NULL);
  if (t && t[strspn(t, " \t\n\r")]) return t;
  if (v->untitled) return v->untitled;
  return d->id ? d->id : "";
}

/* The reader's word for w, one of the words of symbol set set (schema_<SET>,
 * NULL-terminated): words[i] for set[i], translated; w itself when it is
 * not in set. */
static const char *sym_word(const char *const *set, const char *const *words, const char *w) {
  for (int i = 0; set[i]; i++)
    if (!strcmp(set[i], w)) return _(words[i]);
  return w;
}

/* The words of lang/schema.def's symbol sets a drawing shows, in its order. */
static const char *const sector_words[] = {N_("government"), N_("nonprofit"), N_("business"), N_("philanthropy"),
                                           N_("education"),  N_("health"),    N_("faith"),    N_("community"),
                                           N_("academic"),   N_("media")};
static const char *const role_words[] = {N_("backbone"), N_("funder"), N_("champion"), N_("evaluator"),
                                         /* TRANSLATORS: a partner's role: it holds the shared data */
                                         N_("data")};
static const char *const status_words[] = {N_("planned"), N_("active"), N_("paused"), N_("done")};
static const char *const change_words[] = {N_("individual change"), N_("community change"), N_("systems change"),
                                           N_("policy change")};

typedef struct Ctx {
  const Program *p;
  const View *v;
  int n;              /* declarations */
  unsigned char *in;  /* in[d->index]: the view draws d (render_select) */
  unsigned char *community; /* community[d->index]: a partner is community owner of an activity drawn */
  Buf *out;
  const EvalResult *ev;     /* the status overlay, or NULL */
  const EvalIndicator **ind; /* ind[d->index]: an indicator's evaluation (with ev) */
  unsigned *seen;     /* seen[d->index] == stamp: named earlier in the list at hand */
  unsigned stamp;     /* one per list walked (first_refs) */
  long edges;         /* with out NULL: the arrows counted (render_size) */
  bool rounded;       /* the band being drawn has rounded nodes (a stale node's dashed style) */
  unsigned char *linked;    /* linked[d->index]: an arrow drawn starts or ends at d (find_unlinked) */
  const char *own_style;    /* a node's own style (in the unconnected band: its kind's), or NULL */
} Ctx;

/* ---- drawing ---- */

/* A node or graph name: a quoted identifier (letters, digits and '_', so
 * nothing to escape). */
static void put_id(Buf *out, const char *id) {
  buf_putc(out, '"');
  buf_puts(out, id);
  buf_putc(out, '"');
}

/* A node: its title, wrapped, an optional caption line in small type, and
 * on the pathway its assumptions in a tinted footer. */
/* caption_ink: the caption's colour. */
static void put_node(Ctx *c, const Decl *d, const char *caption, const char *caption_ink, const char *extra) {
  Buf *o = c->out;
  const AttrVals *as = c->v->diagram == DG_PATHWAY && d->kind == D_OUTCOME ? decl_attr(d, AT_OUTCOME_ASSUMPTION) : NULL;
  bool table = as && as->n > 0;
  buf_puts(o, "    ");
  put_id(o, d->id);
  buf_puts(o, " [label=<");
  if (table) buf_puts(o, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"3\"><TR><TD>");
  bool bold = d->kind == D_GOAL;
  if (bold) buf_puts(o, "<B>");
  render_html_text(o, title_of(c->v, d), NODE_WRAP);
  if (bold) buf_puts(o, "</B>");
  if (caption && *caption) {
    buf_printf(o, "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"%s\">", caption_ink);
    render_html_text(o, caption, CAPTION_WRAP);
    buf_puts(o, "</FONT>");
  }
  if (table) {
    buf_puts(o, "</TD></TR>");
    for (int i = 0; i < as->n; i++) {
      buf_puts(o, "<TR><TD BGCOLOR=\"" ASSUME_FILL "\"><FONT POINT-SIZE=\"9\"><I>");
      render_html_text(o, as->vals[i].str, CAPTION_WRAP);
      buf_puts(o, "</I></FONT></TD></TR>");
    }
    buf_puts(o, "</TABLE>");
  }
  buf_puts(o, ">");
  if (extra) buf_printf(o, ", %s", extra);
  buf_puts(o, "];\n");
}

/* "nonprofit, government · backbone, funder" */
static void partner_caption(Buf *b, const Decl *d) {
  /* the words as written, in their order: the view's masks would sort them */
  const AttrVals *s = decl_attr(d, AT_PARTNER_SECTOR), *r = decl_attr(d, AT_PARTNER_ROLE);
  for (int i = 0; i < s->n; i++)
    buf_printf(b, "%s%s", i ? ", " : "", sym_word(schema_SECTORS, sector_words, s->vals[i].str));
  for (int i = 0; i < r->n; i++)
    buf_printf(b, "%s%s", i ? ", " : (b->len ? " \xC2\xB7 " : ""), sym_word(schema_ROLES, role_words, r->vals[i].str));
}

/* 250000 USD -> "250,000 USD"; an amount in cents with two decimals
 * (2.5 -> "2.50"), a finer one with as many as it takes to read it back
 * exactly (0.125, 0.0000001), never an exponent. */
static void put_budget(Buf *b, double x, const char *cur) {
  char digits[400];
  double a = fabs(x);
  if (a >= 1e15 || a == floor(a)) {
    snprintf(digits, sizeof digits, "%.0f", a);
  } else {
    int prec = 2;
    for (; prec < 340; prec++) {
      snprintf(digits, sizeof digits, "%.*f", prec, a);
      if (strtod(digits, NULL) == a) break;
    }
  }
  size_t intlen = strcspn(digits, ".");
  if (x < 0) buf_putc(b, '-');
  for (size_t i = 0; digits[i]; i++) {
    if (i > 0 && i < intlen && (intlen - i) % 3 == 0) buf_putc(b, ',');
    buf_putc(b, digits[i]);
  }
  buf_printf(b, " %s", cur);
}

/* "active · 2024-03 to 2027-12 · 250,000 USD" */
static void activity_caption(Buf *b, const Decl *d) {
  const ActivityView *v = activity_view(d);
  const char *sep = "";
  if (v->has_status) {
    buf_puts(b, _(status_words[v->status]));
    sep = " \xC2\xB7 ";
  }
  if (v->has_start || v->has_end) {
    char a[16] = "", z[16] = "";
    if (v->has_start) period_text(v->start, a);
    if (v->has_end) period_text(v->end, z);
    buf_puts(b, sep);
    /* TRANSLATORS: an activity's periods: "2024-03 to 2027-12" */
    if (v->has_start && v->has_end) buf_printf(b, _("%s to %s"), a, z);
    else if (v->has_start) buf_printf(b, _("from %s"), a);
    else buf_printf(b, _("until %s"), z);
  }
  if (v->has_budget) {
    if (b->len) buf_putc(b, '\n');
    put_budget(b, v->budget, v->currency);
  }
}

typedef struct Band {
  const char *label;   /* the band's heading (N_(): put_headings translates it) */
  const char *fill;    /* node fill of its members */
  const char *line;    /* node outline */
  const char *font;    /* node text colour */
  const char *shape;   /* node shape and style */
} Band;

/* The bands' headings, chained by invisible edges that keep the bands in
 * order. Where a heading stands in its rank follows from where it comes in
 * the input: after the members, dot puts it at the top of a column (LR);
 * before them, at the left of a row (BT). */
static void put_headings(Ctx *c, const Band *bands, const Vec *members, int nb) {
  Buf *o = c->out;
  int prev = -1;
  for (int k = 0; k < nb; k++) {
    if (!members[k].len) continue;
    buf_printf(o,
               "  \"band %d\" [shape=plaintext, style=\"\", fontsize=13, fontcolor=\"" BAND_INK
               "\", label=<<B>",
               k);
    render_html_text(o, _(bands[k].label), 0);
    buf_puts(o, "</B>>];\n");
    if (prev >= 0) buf_printf(o, "  \"band %d\" -> \"band %d\" [style=invis, weight=100];\n", prev, k);
    prev = k;
  }
}

/* Opens a band: its members' node style. */
static void band_open(Ctx *c, const Band *b) {
  buf_printf(c->out, "  subgraph {\n    node [%s, fillcolor=\"%s\", color=\"%s\", fontcolor=\"%s\"];\n", b->shape,
             b->fill, b->line, b->font);
}

/* Closes a band: its heading and its members share a rank. */
static void band_close(Ctx *c, int k, const Vec *members) {
  Buf *o = c->out;
  buf_printf(o, "    {rank=same; \"band %d\";", k);
  for (int i = 0; i < members->len; i++) {
    buf_putc(o, ' ');
    const Decl *d = members->items[i];
    put_id(o, d->id);
    buf_putc(o, ';');
  }
  buf_puts(o, "}\n  }\n");
}

static void put_edge(Ctx *c, const Decl *a, const Decl *b, const char *attrs) {
  Buf *o = c->out;
  if (!o) { /* counting (render_size, find_unlinked) */
    c->edges++;
    if (c->linked) c->linked[a->index] = c->linked[b->index] = 1;
    return;
  }
  buf_puts(o, "  ");
  put_id(o, a->id);
  buf_puts(o, " -> ");
  put_id(o, b->id);
  if (attrs) buf_printf(o, " [%s]", attrs);
  buf_puts(o, ";\n");
}

/* 0 short, 1 intermediate, 2 long. */
static int horizon_of(const Decl *outcome) { return (int)outcome_view(outcome)->horizon; }

/* Starts a walk of one reference list: first_ref then says whether a
 * reference is the first of that list to name its declaration. A stamp per
 * declaration, not a pairwise test, so a list of any length is walked in
 * linear time. */
static void first_refs(Ctx *c) {
  if (++c->stamp == 0) { /* wrapped: clear and start again */
    memset(c->seen, 0, ((size_t)c->n + 1) * sizeof *c->seen);
    c->stamp = 1;
  }
}

static bool first_ref(Ctx *c, const Decl *r) {
  if (c->seen[r->index] == c->stamp) return false;
  c->seen[r->index] = c->stamp;
  return true;
}

/* Edges from d's references in attribute name to the nodes drawn, one per
 * node however often the list names it. */
static void ref_edges(Ctx *c, const Decl *d, AttrId name, bool reverse, const char *attrs) {
  const AttrVals *a = decl_attr(d, name);
  first_refs(c);
  for (int i = 0; i < a->n; i++) {
    const Decl *r = a->vals[i].ref;
    if (!r || !c->in[r->index] || !first_ref(c, r)) continue;
    if (reverse) put_edge(c, r, d, attrs);
    else put_edge(c, d, r, attrs);
  }
}

/* ---- the header: title, subtitle and legend ---- */

typedef struct Key {
  const char *label; /* what it marks (N_(): put_header translates it) */
  const char *fill;  /* node swatch fill, or NULL for a line */
  const char *line;  /* outline or line colour */
} Key;

/* The fill of the overlay's "stale" key: a white swatch with a dashed
 * outline (the key is told by this pointer). */
static const char STALE_SWATCH[] = "white";

/* Whether the view draws an edge through attribute a (of its kind's nodes). */
static bool any_edge(const Ctx *c, AttrId a) {
  for (int i = 0; i < c->n; i++) {
    const Decl *d = decl_at(c->p, i);
    if (c->in[i] && render_refers_in(c->in, d, a)) return true;
  }
  return false;
}

/* Whether the partners drawn include ordinary ones and community owners. */
static void partner_kinds(const Ctx *c, const Vec *partners, bool *plain, bool *community) {
  *plain = *community = false;
  for (int i = 0; i < partners->len; i++) {
    if (c->community[((const Decl *)partners->items[i])->index]) *community = true;
    else *plain = true;
  }
}

/* ---- the status overlay ---- */

/* The overlay's colours by level (present.h: worst first); a node with
 * none of the statuses is grey. */
static const struct {
  const char *fill, *line;
} overlay[PRESENT_LEVELS] = {
    {MISSED_FILL, MISSED_LINE},   {OFF_TRACK_FILL, OFF_TRACK_LINE}, {AT_BASELINE_FILL, AT_BASELINE_LINE},
    {ON_TRACK_FILL, ON_TRACK_LINE}, {MET_FILL, MET_LINE},
    {NO_DATA_FILL, NO_DATA_LINE}, /* no data, no target or no indicator: the caption says which */
};

/* A goal's or outcome's status: the worst of its indicators' (an
 * indicator's: its own), with how many have none and whether one has a
 * value (into *ru). */
static int overlay_count(const Ctx *c, const Decl *d, PresentRollup *ru) {
  present_rollup_init(ru);
  if (d->kind == D_INDICATOR) {
    present_rollup_add(ru, c->ind[d->index]);
    return (int)ru->worst;
  }
  const AttrVals *a = decl_attr(d, d->kind == D_GOAL ? AT_GOAL_INDICATOR : AT_OUTCOME_INDICATOR);
  for (int i = 0; i < a->n; i++) {
    const Decl *x = a->vals[i].ref;
    present_rollup_add(ru, x ? c->ind[x->index] : NULL);
  }
  return (int)ru->worst;
}

static bool overlaid(const Ctx *c, const Decl *d) {
  return c->ev && (d->kind == D_INDICATOR || d->kind == D_OUTCOME || d->kind == D_GOAL);
}

/* "47.5% in 2025-Q2 · target 60% by 2028", then the status word (and
 * "stale"); returns the status drawn, and in *stale whether d's data are
 * stale (an indicator's own, a goal's or outcome's when one of its
 * indicators' is). */
static int status_caption(const Ctx *c, Buf *b, const Decl *d, bool *stale) {
  PresentRollup ru;
  int ov = overlay_count(c, d, &ru);
  *stale = ru.stale > 0;
  const EvalIndicator *e = d->kind == D_INDICATOR ? c->ind[d->index] : NULL;
  if (b->len) buf_putc(b, '\n');
  if (e) {
    const char *unit = indicator_view(d)->unit ? indicator_view(d)->unit : "";
    char pt[16];
    if (e->has_latest || e->withheld) present_latest(b, e, unit);
    else buf_puts(b, _("no data"));
    if (e->has_target) {
      Buf t = {0};
      period_text(e->target_per, pt);
      present_num_unit(&t, e->target, unit);
      buf_puts(b, " \xC2\xB7 ");
      /* TRANSLATORS: an indicator's target and its period: "target 60% by 2028" */
      buf_printf(b, _("target %s by %s"), buf_str(&t), pt);
      buf_free(&t);
    }
    if (ov != PRESENT_NONE) buf_printf(b, "\n%s", present_level_label(ov));
    else if (e->status == EV_NO_TARGET && e->has_latest) buf_printf(b, "\n%s", _("no target"));
    else if (e->has_latest || e->withheld) buf_printf(b, "\n%s", _("no data"));
    /* TRANSLATORS: data older than the indicator's cadence allows */
    if (e->stale == TRI_TRUE) buf_printf(b, " \xC2\xB7 %s", _("stale"));
    return ov;
  }
  if (ov != PRESENT_NONE) {
    buf_puts(b, present_level_label(ov));
    /* a worst status hides the indicators that have none */
    if (ru.unrated) { /* two indicators at least: one has a status */
      buf_putc(b, '\n');
      buf_printf(b, _("no status for %d of %d indicators"), ru.unrated, ru.n);
    }
  } else
    buf_puts(b, ru.n == 0 ? _("no indicator") : ru.any_data ? _("no target") : _("no data"));
  if (ru.stale) {
    buf_putc(b, '\n');
    buf_printf(b, _("stale data for %d of %d indicators"), ru.stale, ru.n);
  }
  return ov;
}

/* The title (the view's, else the charter's), the subtitle, and a legend of
 * the keys shown (show[i]: the diagram has what keys[i] marks). */
static void put_header(Ctx *c, const char *subtitle, const Key *keys, const bool *show, int nkeys) {
  Buf *o = c->out;
  const Program *p = c->p;
  const char *title = c->v->decl ? title_of(c->v, c->v->decl) : p->charter ? title_of(c->v, p->charter) : NULL;
  buf_puts(o, "  label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">\n");
  if (title && *title) {
    buf_puts(o, "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"20\"><B>");
    render_html_text(o, title, TITLE_WRAP);
    buf_puts(o, "</B></FONT></TD></TR>\n");
  }
  buf_puts(o, "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"12\" COLOR=\"" MUTED "\">");
  render_html_text(o, subtitle, TITLE_WRAP);
  buf_puts(o, "</FONT></TD></TR>\n");
  /* the keys in the reader's language; with the overlay, the statuses
   * drawn replace the kinds they recolour */
  Key keys2[24];
  bool show2[24];
  if (!c->ev) {
    for (int i = 0; i < nkeys && i < 24; i++) {
      keys2[i] = keys[i];
      keys2[i].label = _(keys[i].label);
      show2[i] = show[i];
    }
    keys = keys2;
    show = show2;
  } else {
    bool used[PRESENT_LEVELS] = {0}, stale = false;
    for (int i = 0; i < c->n; i++) {
      const Decl *d = decl_at(p, i);
      if (!c->in[i] || !overlaid(c, d)) continue;
      PresentRollup ru; /* one roll-up gives the status and the staleness */
      used[overlay_count(c, d, &ru)] = true;
      stale |= ru.stale > 0;
    }
    int n = 0;
    for (int i = 0; i < nkeys && n < 10; i++) {
      const char *l = keys[i].label;
      if (keys[i].fill && (!strcmp(l, "Outcome") || !strcmp(l, "Goal") || !strcmp(l, "Output"))) continue;
      keys2[n] = keys[i];
      keys2[n].label = _(keys[i].label);
      show2[n++] = show[i];
    }
    for (int s = 0; s < PRESENT_LEVELS; s++) {
      keys2[n] = (Key){present_level_label(s), overlay[s].fill, overlay[s].line};
      show2[n++] = used[s];
    }
    keys2[n] = (Key){_("stale"), STALE_SWATCH, MUTED};
    show2[n++] = stale;
    keys = keys2;
    show = show2;
    nkeys = n;
  }
  int shown = 0;
  for (int i = 0; i < nkeys; i++) shown += show[i];
  if (shown == 0) { /* an HTML-like table row may not be empty */
    buf_puts(o, "</TABLE>>;\n");
    return;
  }
  buf_puts(o, "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"4\" CELLPADDING=\"0\"><TR>");
  for (int i = 0; i < nkeys; i++) {
    const Key *k = &keys[i];
    if (!show[i]) continue;
    shown--;
    if (k->fill)
      buf_printf(o, "<TD BGCOLOR=\"%s\" COLOR=\"%s\" BORDER=\"1\"%s WIDTH=\"18\" HEIGHT=\"11\" FIXEDSIZE=\"TRUE\"></TD>",
                 k->fill, k->line, k->fill == STALE_SWATCH ? " STYLE=\"dashed\"" : "");
    else
      buf_printf(o, "<TD WIDTH=\"24\"><FONT COLOR=\"%s\" POINT-SIZE=\"10\"><B>\xE2\x80\x94\xE2\x80\x94</B></FONT></TD>",
                 k->line);
    buf_puts(o, "<TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\" COLOR=\"" BAND_INK "\">");
    render_html_text(o, k->label, 0);
    buf_puts(o, "</FONT></TD>");
    if (shown > 0) buf_puts(o, "<TD WIDTH=\"8\"></TD>");
  }
  buf_puts(o, "</TR></TABLE></TD></TR>\n</TABLE>>;\n");
}

static void put_graph_open(Ctx *c, const char *rankdir) {
  Buf *o = c->out;
  buf_puts(o, "digraph ");
  put_id(o, c->v->name);
  buf_puts(o, " {\n");
  buf_printf(o,
             "  graph [rankdir=%s, fontname=\"" FONT "\", labelloc=t, labeljust=l, nodesep=0.22, ranksep=0.55, "
             "pad=0.3, bgcolor=\"white\", outputorder=edgesfirst];\n",
             rankdir);
  if (c->v->fit_width > 0) /* a page (render --page): scaled down to fit its printable area */
    buf_printf(o, "  graph [size=\"%.2f,%.2f\"];\n", c->v->fit_width, c->v->fit_height);
  buf_puts(o, "  node [fontname=\"" FONT "\", fontsize=11, penwidth=1.2, margin=\"0.18,0.07\", style=filled];\n");
  buf_puts(o, "  edge [color=\"" MUTED "\", arrowsize=0.7, penwidth=1.1];\n");
}

static const char *view_subtitle(Ctx *c, const char *what, Buf *b) {
  buf_puts(b, what);
  if (c->ev) {
    char day[11];
    present_day_text(c->ev->as_of, day);
    if (c->v->diagram == DG_ACCOUNTABILITY) /* nothing it draws has a status */
    {
      buf_printf(b, " \xC2\xB7 %s \xC2\xB7 ", _("draws no statuses (no goals, outcomes or indicators)"));
      buf_printf(b, _("as of %s"), day);
    } else {
      buf_puts(b, " \xC2\xB7 ");
      buf_printf(b, _("status as of %s"), day);
    }
  }
  const Decl *vd = c->v->decl;
  if (!vd) return buf_str(b);
  const AttrVals *f = decl_attr(vd, AT_VIEW_FOCUS);
  if (f->n) {
    buf_printf(b, " \xC2\xB7 %s ", _("focus:"));
    bool first = true;
    first_refs(c);
    for (int i = 0; i < f->n; i++) {
      if (!f->vals[i].ref || !first_ref(c, f->vals[i].ref)) continue;
      buf_puts(b, first ? "" : "; ");
      buf_puts(b, title_of(c->v, f->vals[i].ref));
      first = false;
    }
  }
  return buf_str(b);
}

#define ROUNDED "shape=box, style=\"rounded,filled\""
#define SQUARE "shape=box, style=\"filled\""

/* Marks the community owners of the activities drawn. */
static void find_community_owners(Ctx *c) {
  for (int i = 0; i < c->n; i++) {
    const Decl *d = decl_at(c->p, i);
    if (d->kind != D_ACTIVITY || !c->in[i]) continue;
    const AttrVals *a = activity_view(d)->community_owners;
    for (int k = 0; k < a->n; k++)
      if (a->vals[k].ref) c->community[a->vals[k].ref->index] = 1;
  }
}

/* A declaration's node with the caption its diagram gives it: a partner's
 * sectors and roles (filled amber when it community-owns an activity
 * drawn), an activity's status, dates and budget in the accountability
 * view (flagged without a community owner), an outcome's kind of change on
 * the pathway. */
static void put_decl_node(Ctx *c, const Decl *d) {
  Buf cap = {0};
  bool warn = false;
  const char *extra = NULL;
  if (d->kind == D_PARTNER) {
    partner_caption(&cap, d);
    if (c->community[d->index]) extra = COMMUNITY_NODE;
  } else if (d->kind == D_ACTIVITY && c->v->diagram == DG_ACCOUNTABILITY) {
    activity_caption(&cap, d);
    if (!activity_view(d)->community_owners->n) {
      if (cap.len) buf_putc(&cap, '\n');
      buf_puts(&cap, _("no community owner"));
      warn = true;
    }
  } else if (d->kind == D_OUTCOME && c->v->diagram == DG_PATHWAY) {
    const OutcomeView *ov = outcome_view(d);
    if (ov->has_change) buf_puts(&cap, _(change_words[ov->change]));
  }
  char colours[256], styled[512];
  if (overlaid(c, d)) {
    bool stale;
    int ov = status_caption(c, &cap, d, &stale);
    /* stale data: a dashed border, besides the word */
    const char *dashed = !stale ? "" : c->rounded ? ", style=\"rounded,filled,dashed\", penwidth=1.6"
                                                                : ", style=\"filled,dashed\", penwidth=1.6";
    snprintf(colours, sizeof colours, "fillcolor=\"%s\", color=\"%s\", fontcolor=\"" INK "\"%s", overlay[ov].fill,
             overlay[ov].line, dashed);
    extra = colours;
  }
  if (c->own_style) { /* its kind's style first: what follows overrides it */
    snprintf(styled, sizeof styled, "%s%s%s", c->own_style, extra ? ", " : "", extra ? extra : "");
    extra = styled;
  }
  /* on a status's stronger fill the caption is dark, as the title */
  put_node(c, d, buf_str(&cap), overlaid(c, d) ? INK : warn ? WARN_INK : MUTED, extra);
  buf_free(&cap);
}

/* The unconnected band: the last of every diagram, its members of any
 * kind, each drawn in its kind's style (kind_band). */
/* A macro, not a const object: an object is not a constant expression in
 * a static initializer (clang refuses it). */
#define LOOSE_BAND {N_("Not yet connected"), "white", MUTED, INK, ROUNDED}

/* The non-empty bands with their members, and their headings: first in a
 * bottom-up diagram, last in a left-to-right one (see put_headings). The
 * last band is the unconnected one (LOOSE_BAND): kind_band[d->index] is
 * the band whose style a member takes. */
static void put_bands(Ctx *c, const Band *bands, const Vec *members, int nb, const unsigned char *kind_band,
                      bool headings_first) {
  if (headings_first) put_headings(c, bands, members, nb);
  for (int k = 0; k < nb; k++) {
    if (!members[k].len) continue;
    band_open(c, &bands[k]);
    c->rounded = strstr(bands[k].shape, "rounded") != NULL;
    for (int i = 0; i < members[k].len; i++) {
      const Decl *d = members[k].items[i];
      char style[256];
      if (k == nb - 1) {
        const Band *b = &bands[kind_band[d->index]];
        snprintf(style, sizeof style, "%s, fillcolor=\"%s\", color=\"%s\", fontcolor=\"%s\"", b->shape, b->fill,
                 b->line, b->font);
        c->own_style = style;
        c->rounded = strstr(b->shape, "rounded") != NULL;
      }
      put_decl_node(c, d);
      c->own_style = NULL;
    }
    band_close(c, k, &members[k]);
    if (k == nb - 1) { /* its members in declaration order after its heading: flat edges order a rank */
      buf_printf(c->out, "  \"band %d\"", k);
      for (int i = 0; i < members[k].len; i++) {
        buf_puts(c->out, " -> ");
        put_id(c->out, ((const Decl *)members[k].items[i])->id);
      }
      buf_puts(c->out, " [style=invis];\n");
    }
  }
  if (!headings_first) put_headings(c, bands, members, nb);
}

static void put_edges(Ctx *c);

/* Marks in c->linked the nodes an arrow drawn starts or ends at. */
static void find_unlinked(Ctx *c) {
  Buf *out = c->out;
  long edges = c->edges;
  c->linked = xcalloc((size_t)c->n + 1, 1);
  c->out = NULL;
  put_edges(c);
  c->out = out;
  c->edges = edges;
}

/* Moves the members of bands[0..nb-2] that no arrow drawn touches into the
 * last band, the unconnected one, noting each one's own band in
 * kind_band; only when the view draws an arrow at all (with none, nothing
 * is connected, and each node stays in its band). */
static void split_unlinked(Ctx *c, Vec *members, int nb, unsigned char *kind_band) {
  bool any = false;
  for (int i = 0; i < c->n && !any; i++) any = c->in[i] && c->linked[i];
  if (!any) return;
  for (int k = 0; k < nb - 1; k++) {
    int kept = 0;
    for (int i = 0; i < members[k].len; i++) {
      Decl *d = members[k].items[i];
      if (c->linked[d->index]) {
        members[k].items[kept++] = d;
      } else {
        kind_band[d->index] = (unsigned char)k;
        vec_push(&members[nb - 1], d);
      }
    }
    members[k].len = kept;
  }
}

/* Every arrow between two nodes drawn, by its source in declaration order.
 * A diagram has no node for what it does not draw, so one pass serves all
 * three: the pathway gets only leads_to, the accountability view only
 * owners. */
static void put_edges(Ctx *c) {
  for (int i = 0; i < c->n; i++) {
    const Decl *d = decl_at(c->p, i);
    if (!c->in[i]) continue;
    if (d->kind == D_ACTIVITY) {
      ref_edges(c, d, AT_ACTIVITY_OWNER, true, OWNS_EDGE);
      ref_edges(c, d, AT_ACTIVITY_COMMUNITY_OWNER, true, COMMUNITY_EDGE);
      ref_edges(c, d, AT_ACTIVITY_METRIC, false, "color=\"" OUTPUT_LINE "\"");
      ref_edges(c, d, AT_ACTIVITY_CONTRIBUTES_TO, false, "color=\"" ACTIVITY_LINE "\"");
    } else if (d->kind == D_OUTCOME) {
      ref_edges(c, d, AT_OUTCOME_LEADS_TO, false, "color=\"" OUTCOME_LINE "\", penwidth=1.4");
    }
  }
}

/* The logic model: seven columns, left to right. */
static void draw_logic(Ctx *c) {
  const Program *p = c->p;
  static const Band bands[] = {
      {N_("Partners"), PARTNER_FILL, PARTNER_LINE, INK, ROUNDED},
      {N_("Activities"), ACTIVITY_FILL, ACTIVITY_LINE, INK, ROUNDED},
      {N_("Outputs"), OUTPUT_FILL, OUTPUT_LINE, INK, SQUARE},
      {N_("Short-term outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Intermediate outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Long-term outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Goals"), GOAL_FILL, GOAL_LINE, "white", ROUNDED},
      LOOSE_BAND,
  };
  enum { NB = sizeof bands / sizeof *bands };
  Vec cols[NB] = {{0}};
  unsigned char *kind_band = xcalloc((size_t)c->n + 1, 1);
  for (int i = 0; i < c->n; i++) {
    if (!c->in[i]) continue;
    Decl *d = decl_at(p, i);
    int k = -1;
    switch (d->kind) {
    case D_PARTNER: k = 0; break;
    case D_ACTIVITY: k = 1; break;
    case D_INDICATOR: k = 2; break;
    case D_OUTCOME: k = 3 + horizon_of(d); break;
    case D_GOAL: k = 6; break;
    default: break;
    }
    if (k >= 0) vec_push(&cols[k], d);
  }
  put_graph_open(c, "LR");
  Buf sub = {0};
  static const Key keys[] = {
      {N_("Partner"), PARTNER_FILL, PARTNER_LINE},  {N_("Community owner"), COMMUNITY_FILL, COMMUNITY_LINE},
      {N_("Activity"), ACTIVITY_FILL, ACTIVITY_LINE}, {N_("Output"), OUTPUT_FILL, OUTPUT_LINE},
      {N_("Outcome"), OUTCOME_FILL, OUTCOME_LINE},  {N_("Goal"), GOAL_FILL, GOAL_LINE},
      {N_("owns"), NULL, OWNS_LINE},                {N_("community ownership"), NULL, COMMUNITY_LINE},
  };
  bool plain, community;
  partner_kinds(c, &cols[0], &plain, &community);
  bool show[] = {plain,
                 community,
                 cols[1].len > 0,
                 cols[2].len > 0,
                 cols[3].len + cols[4].len + cols[5].len > 0,
                 cols[6].len > 0,
                 any_edge(c, AT_ACTIVITY_OWNER),
                 any_edge(c, AT_ACTIVITY_COMMUNITY_OWNER)};
  put_header(c, view_subtitle(c, _("Logic model"), &sub), keys, show, (int)(sizeof keys / sizeof *keys));
  buf_free(&sub);
  split_unlinked(c, cols, NB, kind_band);
  put_bands(c, bands, cols, NB, kind_band, false);
  put_edges(c);
  for (int k = 0; k < NB; k++) vec_free(&cols[k]);
  free(kind_band);
}

/* The pathway of change: horizons from the bottom up to the goals, each
 * outcome with its assumptions. */
static void draw_pathway(Ctx *c) {
  const Program *p = c->p;
  static const Band bands[] = {
      {N_("Short-term outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Intermediate outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Long-term outcomes"), OUTCOME_FILL, OUTCOME_LINE, INK, ROUNDED},
      {N_("Goals"), GOAL_FILL, GOAL_LINE, "white", ROUNDED},
      LOOSE_BAND,
  };
  enum { NB = sizeof bands / sizeof *bands };
  Vec rows[NB] = {{0}};
  unsigned char *kind_band = xcalloc((size_t)c->n + 1, 1);
  for (int i = 0; i < c->n; i++) {
    if (!c->in[i]) continue;
    Decl *d = decl_at(p, i);
    vec_push(&rows[d->kind == D_OUTCOME ? horizon_of(d) : 3], d);
  }
  put_graph_open(c, "BT");
  Buf sub = {0};
  static const Key keys[] = {
      {N_("Outcome"), OUTCOME_FILL, OUTCOME_LINE},
      {N_("Goal"), GOAL_FILL, GOAL_LINE},
      {N_("Assumption"), ASSUME_FILL, ASSUME_LINE},
      {N_("leads to"), NULL, OUTCOME_LINE},
  };
  bool assumes = false;
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < rows[k].len; i++) assumes |= decl_attr(rows[k].items[i], AT_OUTCOME_ASSUMPTION)->n > 0;
  bool show[] = {rows[0].len + rows[1].len + rows[2].len > 0, rows[3].len > 0, assumes,
                 any_edge(c, AT_OUTCOME_LEADS_TO)};
  put_header(c, view_subtitle(c, _("Pathway of change"), &sub), keys, show, (int)(sizeof keys / sizeof *keys));
  buf_free(&sub);
  split_unlinked(c, rows, NB, kind_band);
  put_bands(c, bands, rows, NB, kind_band, true);
  put_edges(c);
  for (int k = 0; k < NB; k++) vec_free(&rows[k]);
  free(kind_band);
}

/* Who does what: partners and the activities they own, community owners
 * set apart in colour, activities without one flagged. */
static void draw_accountability(Ctx *c) {
  const Program *p = c->p;
  static const Band bands[] = {
      {N_("Partners"), PARTNER_FILL, PARTNER_LINE, INK, ROUNDED},
      {N_("Activities"), ACTIVITY_FILL, ACTIVITY_LINE, INK, ROUNDED},
      LOOSE_BAND,
  };
  Vec cols[3] = {{0}};
  unsigned char *kind_band = xcalloc((size_t)c->n + 1, 1);
  for (int i = 0; i < c->n; i++)
    if (c->in[i]) vec_push(&cols[decl_at(p, i)->kind == D_ACTIVITY ? 1 : 0], decl_at(p, i));
  put_graph_open(c, "LR");
  Buf sub = {0};
  static const Key keys[] = {
      {N_("Partner"), PARTNER_FILL, PARTNER_LINE},
      {N_("Community owner"), COMMUNITY_FILL, COMMUNITY_LINE},
      {N_("Activity"), ACTIVITY_FILL, ACTIVITY_LINE},
      {N_("owns"), NULL, OWNS_LINE},
      {N_("community ownership"), NULL, COMMUNITY_LINE},
  };
  bool plain, community;
  partner_kinds(c, &cols[0], &plain, &community);
  bool show[] = {plain, community, cols[1].len > 0, any_edge(c, AT_ACTIVITY_OWNER),
                 any_edge(c, AT_ACTIVITY_COMMUNITY_OWNER)};
  put_header(c, view_subtitle(c, _("Accountability"), &sub), keys, show, (int)(sizeof keys / sizeof *keys));
  buf_free(&sub);
  split_unlinked(c, cols, 3, kind_band);
  put_bands(c, bands, cols, 3, kind_band, false);
  put_edges(c);
  for (int k = 0; k < 3; k++) vec_free(&cols[k]);
  free(kind_band);
}

void render_dot(const Program *p, const View *v, Buf *out) { render_dot_status(p, v, NULL, out); }

/* A context for drawing v (out: the DOT; NULL to count only). */
static Ctx ctx_open(const Program *p, const View *v, const EvalResult *ev, Buf *out) {
  size_t n = (size_t)p->decls.len + 1;
  Ctx c = {p, v, p->decls.len, render_select(p, v), xcalloc(n, 1), out, ev, NULL, xcalloc(n, sizeof(unsigned)), 0, 0, false, NULL, NULL};
  return c;
}

static void ctx_close(Ctx *c) {
  free(c->in);
  free(c->community);
  free(c->ind);
  free(c->seen);
  free(c->linked);
}

void render_dot_status(const Program *p, const View *v, const EvalResult *ev, Buf *out) {
  Ctx c = ctx_open(p, v, ev, out);
  if (ev) {
    c.ind = xcalloc((size_t)p->decls.len + 1, sizeof *c.ind);
    for (int i = 0; i < ev->n; i++) c.ind[ev->inds[i].decl->index] = &ev->inds[i];
  }
  find_community_owners(&c);
  find_unlinked(&c);
  switch (v->diagram) {
  case DG_LOGIC: draw_logic(&c); break;
  case DG_PATHWAY: draw_pathway(&c); break;
  case DG_ACCOUNTABILITY: draw_accountability(&c); break;
  }
  buf_puts(out, "}\n");
  ctx_close(&c);
}

RenderSize render_size(const Program *p, const View *v) {
  Ctx c = ctx_open(p, v, NULL, NULL);
  RenderSize size = {0, 0};
  for (int i = 0; i < c.n; i++) size.nodes += c.in[i] != 0;
  put_edges(&c); /* counts, with no output */
  size.edges = c.edges;
  ctx_close(&c);
  return size;
}

const char *render_focus_example(const Program *p) {
  const Decl *outcome = NULL;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = decl_at(p, i);
    if (d->kind == D_GOAL) return d->id;
    if (d->kind == D_OUTCOME && !outcome) outcome = d;
  }
  return outcome ? outcome->id : NULL;
}

double render_smallest_text(const char *dot) {
  static const char *const marks[] = {"POINT-SIZE=\"", "fontsize="};
  double least = 0;
  for (int m = 0; m < 2; m++)
    for (const char *s = strstr(dot, marks[m]); s; s = strstr(s + 1, marks[m])) {
      double pt = strtod(s + strlen(marks[m]), NULL);
      if (pt > 0 && (least == 0 || pt < least)) least = pt;
    }
  return least;
}

int render_split_suggestions(const Program *p, const View *v, const Decl **out, int max) {
  unsigned char *in = render_select(p, v);
  int goals = 0, n = 0;
  for (int i = 0; i < p->decls.len; i++) goals += in[i] && decl_at(p, i)->kind == D_GOAL;
  DeclKind want = goals >= 2 ? D_GOAL : D_OUTCOME;
  for (int i = 0; i < p->decls.len && n < max; i++)
    if (in[i] && decl_at(p, i)->kind == want) out[n++] = decl_at(p, i);
  free(in);
  return n;
}
