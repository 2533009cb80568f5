/* The status overlay of render --db (runtime/render.c; docs/render.md and
 * docs/measurement.md, "The status overlay"), on an evaluation made with
 * eval_run: goals and outcomes take the worst status of their indicators
 * (missed, off_track, on_track, met) and say how many have none; grey when none
 * has one, captioned "no data", "no target" (data but no target) or "no
 * indicator"; indicators are captioned with
 * latest against target and their status word; the legend lists only the
 * statuses drawn; the subtitle says the as-of day. render_dot is
 * render_dot_status without an evaluation, byte for byte.
 *
 * Captions wrap at 32 columns: a caption is read with its line breaks
 * made spaces, and its last line (the status word) on its own. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot_lines.h"
#include "eval_fixture.h"
#include "render.h"

#define DOT "\xC2\xB7" /* the caption separator, U+00B7 */

/* the overlay's colours, fill and line (render.c) */
#define MISSED "fillcolor=\"#F87171\", color=\"#991B1B\""
#define OFF_TRACK "fillcolor=\"#FDBA74\", color=\"#C2410C\""
#define ON_TRACK "fillcolor=\"#A3E635\", color=\"#3F6212\""
#define MET "fillcolor=\"#34D399\", color=\"#065F46\""
#define NO_DATA "fillcolor=\"#9CA3AF\", color=\"#374151\""

/* As of 2025-12-31:
 * imet  120 >= 100: met
 * ion   47.5 in 2025-Q2; the line from (2023-12-31, 41) to (2028-12-31,
 *       60) over 1827 days expects 41 + 19 * 547/1827 = 46.69 at
 *       2025-06-30: on_track
 * ioff  2 in 2025; the line from (2024-12-31, 0) to (2026-12-31, 10)
 *       expects 5: off_track
 * imiss 9 > 5 (down), and 2025-12-31 is after 2024: missed
 * ind   a target, no row: no_data
 * int   a row, no target: no_target
 * ionly met, measuring a goal only (not drawn in the logic view) */
#define OVERLAY_PROGRAM                                                                                \
  "charter \"Overlay\" { vision \"v\" }\n"                                                             \
  "partner pa \"P A\" { sector nonprofit }\n"                                                          \
  "activity act \"Act\" { owner pa; contributes_to o1; metric imet, ion, ioff, imiss, ind, int }\n"    \
  "outcome o1 \"O1\" { horizon short; leads_to g1; indicator ioff, imet }\n"                           \
  "outcome o2 \"O2\" { horizon long; leads_to g1 }\n"                                                  \
  "goal g1 \"All four\" { indicator imet, ion, ioff, imiss }\n"                                        \
  "goal g2 \"No missed\" { indicator imet, ion, ioff }\n"                                              \
  "goal g3 \"On track and met\" { indicator imet, ion }\n"                                             \
  "goal g4 \"Met only\" { indicator imet }\n"                                                          \
  "goal g5 \"Nothing measured\" { indicator ind, int }\n"                                              \
  "goal g6 \"No indicators\" {}\n"                                                                     \
  "goal g7 \"Met and no data\" { indicator ind, imet, int }\n"                                         \
  "goal g8 \"Off the diagram\" { indicator ionly }\n"                                                  \
  "goal g9 \"Missed last\" { indicator imet, ion, imiss }\n"                                           \
  "goal g10 \"Unmeasured\" { indicator ind }\n"                                                      \
  "indicator imet \"Met\" { unit \"people\"; direction up; target 100 by 2026 }\n"                    \
  "indicator ion \"Employment rate\" { unit \"%\"; direction up; baseline 41 in 2023; target 60 by 2028 }\n" \
  "indicator ioff \"Off\" { direction up; baseline 0 in 2024; target 10 by 2026 }\n"                   \
  "indicator imiss \"Missed\" { unit \"days & <nights>\"; direction down; target 5 by 2024 }\n"        \
  "indicator ind \"No data\" { direction up; target 3 by 2027 }\n"                                     \
  "indicator int \"No target\" { unit \"x\" }\n"                                                       \
  "indicator ionly \"Only measures\" { direction up; target 1 by 2030 }\n"

static Env *overlay_env(void) {
  Env *e = env_new(OVERLAY_PROGRAM);
  add(e, "imet", "2025", 120);
  add(e, "ion", "2024", 44);
  add(e, "ion", "2025-Q2", 47.5);
  add(e, "ioff", "2025", 2);
  add(e, "imiss", "2024", 9);
  add(e, "int", "2025", 7);
  add(e, "ionly", "2025", 1);
  run_at(e, "2025-12-31");
  return e;
}

/* The DOT of a view, with the overlay of ev or without (the caller frees
 * it). */
static char *dot_of(const Program *p, const char *view, const EvalResult *ev) {
  View v;
  if (!render_find_view(p, view, &v)) fail_msg("no view %s", view);
  Buf b = {0};
  render_dot_status(p, &v, ev, &b);
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

/* A node's caption: the text of its small-type line, with its line breaks
 * made spaces (the caller frees it), and its last line in *last. */
static char *caption_of(const char *line, char **last) {
  /* on a status's fill the caption is dark (INK), else muted */
  const char *open = "<FONT POINT-SIZE=\"9\" COLOR=\"#1F2937\">";
  const char *s = strstr(line, open);
  if (!s) s = strstr(line, open = "<FONT POINT-SIZE=\"9\" COLOR=\"#6B7280\">");
  if (!s) fail_msg("no caption in %s", line);
  s += strlen(open);
  const char *e = strstr(s, "</FONT>");
  assert_non_null(e);
  Buf b = {0};
  const char *line_start = s;
  for (const char *q = s; q < e;) {
    if (strncmp(q, "<BR/>", 5) == 0) {
      buf_putc(&b, ' ');
      q += 5;
      line_start = q;
    } else
      buf_putc(&b, *q++);
  }
  if (last) *last = strndup(line_start, (size_t)(e - line_start));
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

/* Node id is drawn with these colours, its caption (breaks as spaces) is
 * want, and its last line is last. */
static void expect_node(const char *dot, const char *id, const char *colours, const char *want, const char *last) {
  char *line = node_line(dot, id);
  if (!line) fail_msg("no node %s", id);
  char *end = NULL;
  char *cap = caption_of(line, &end);
  bool ok_col = strstr(line, colours) != NULL;
  bool ok_ink = strstr(line, "fontcolor=\"#1F2937\"") != NULL;
  bool ok_cap = strcmp(cap, want) == 0, ok_last = strcmp(end, last) == 0;
  if (!ok_col || !ok_ink) print_error("%s: expected %s in\n  %s\n", id, colours, line);
  if (!ok_cap) print_error("%s: caption\n  got      %s\n  expected %s\n", id, cap, want);
  if (!ok_last) print_error("%s: last line \"%s\", expected \"%s\"\n", id, end, last);
  free(line);
  free(cap);
  free(end);
  if (!ok_col || !ok_ink || !ok_cap || !ok_last) fail();
}

/* The legend's entries: the labels of its 10-point cells, in order. */
static char *legend_of(const char *dot) {
  const char *pat = "<FONT POINT-SIZE=\"10\" COLOR=\"#374151\">";
  Buf b = {0};
  for (const char *s = strstr(dot, pat); s; s = strstr(s, pat)) {
    s += strlen(pat);
    const char *e = strstr(s, "</FONT>");
    assert_non_null(e);
    if (b.len) buf_puts(&b, ", ");
    buf_add(&b, s, (size_t)(e - s));
  }
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

static void test_goal_takes_worst_status(void **state) {
  (void)state;
  Env *e = overlay_env();
  assert_int_equal(ind_of(e, "imet")->status, EV_MET);
  assert_int_equal(ind_of(e, "ion")->status, EV_ON_TRACK);
  assert_int_equal(ind_of(e, "ioff")->status, EV_OFF_TRACK);
  assert_int_equal(ind_of(e, "imiss")->status, EV_MISSED);
  assert_int_equal(ind_of(e, "ind")->status, EV_NO_DATA);
  assert_int_equal(ind_of(e, "int")->status, EV_NO_TARGET);
  char *dot = dot_of(e->p, "logic", &e->r);
  /* missed beats off_track beats on_track beats met, in any order */
  expect_node(dot, "g1", MISSED, "missed", "missed");
  expect_node(dot, "g9", MISSED, "missed", "missed");
  expect_node(dot, "g2", OFF_TRACK, "off track", "off track");
  expect_node(dot, "g3", ON_TRACK, "on track", "on track");
  expect_node(dot, "g4", MET, "met", "met");
  /* no data and no target are not statuses to take: met wins, and the
   * caption counts the others */
  expect_node(dot, "g7", MET, "met no status for 2 of 3 indicators", "no status for 2 of 3 indicators");
  /* none with a status: grey, saying why */
  expect_node(dot, "g10", NO_DATA, "no data", "no data");
  expect_node(dot, "g5", NO_DATA, "no target", "no target"); /* int has data, no target */
  expect_node(dot, "g6", NO_DATA, "no indicator", "no indicator");
  /* an indicator that is not drawn still colours its goal */
  assert_null(node_line(dot, "ionly"));
  expect_node(dot, "g8", MET, "met", "met");
  /* outcomes too: ioff and imet; o2 has no indicator */
  expect_node(dot, "o1", OFF_TRACK, "off track", "off track");
  expect_node(dot, "o2", NO_DATA, "no indicator", "no indicator");
  /* goals keep their bold titles */
  char *g1 = node_line(dot, "g1");
  assert_non_null(strstr(g1, "[label=<<B>All four</B><BR/>"));
  free(g1);
  /* partners and activities are not recoloured */
  char *pa = node_line(dot, "pa"), *act = node_line(dot, "act");
  assert_null(strstr(pa, "fillcolor"));
  assert_null(strstr(act, "fillcolor"));
  free(pa);
  free(act);
  free(dot);
  env_free(e);
}

static void test_indicator_captions(void **state) {
  (void)state;
  Env *e = overlay_env();
  char *dot = dot_of(e->p, "logic", &e->r);
  /* "%" follows the number; other units after a space */
  expect_node(dot, "ion", ON_TRACK, "47.5% in 2025-Q2 " DOT " target 60% by 2028 on track", "on track");
  expect_node(dot, "imet", MET, "120 people in 2025 " DOT " target 100 people by 2026 met", "met");
  expect_node(dot, "ioff", OFF_TRACK, "2 in 2025 " DOT " target 10 by 2026 off track", "off track");
  /* the unit is escaped */
  expect_node(dot, "imiss", MISSED,
              "9 days &amp; &lt;nights&gt; in 2024 " DOT " target 5 days &amp; &lt;nights&gt; by 2024 missed", "missed");
  /* no data: no status word; no target: says so */
  expect_node(dot, "ind", NO_DATA, "no data " DOT " target 3 by 2027", "no data " DOT " target 3 by 2027");
  expect_node(dot, "int", NO_DATA, "7 x in 2025 no target", "no target");
  /* the title comes first, then the caption */
  char *ion = node_line(dot, "ion");
  assert_non_null(strstr(ion, "[label=<Employment rate<BR/><FONT POINT-SIZE=\"9\""));
  free(ion);
  free(dot);
  env_free(e);
}

/* Values with at most two decimals in captions. */
static void test_caption_numbers(void **state) {
  (void)state;
  Env *e = env_new("charter \"C\" { vision \"v\" }\n"
                   "partner pa \"P A\" { sector nonprofit }\n"
                   "activity act \"Act\" { owner pa; metric r }\n"
                   "indicator r \"R\" { unit \"%\"; direction down; baseline 0.5 in 2024; target 0.125 by 2026-Q3 }\n");
  add(e, "r", "2025-03", 1.0 / 3);
  run_at(e, "2026-10-01"); /* after 2026-Q3: missed */
  char *dot = dot_of(e->p, "logic", &e->r);
  expect_node(dot, "r", MISSED, "0.33% in 2025-03 " DOT " target 0.12% by 2026-Q3 missed", "missed");
  free(dot);
  env_free(e);
}

static void test_legend_and_subtitle(void **state) {
  (void)state;
  Env *e = overlay_env();
  char *dot = dot_of(e->p, "logic", &e->r);
  assert_non_null(strstr(dot, ">Logic model " DOT " status as of 2025-12-31<"));
  /* every status is drawn; the kinds the overlay recolours leave the legend */
  char *legend = legend_of(dot);
  assert_string_equal(legend, "Partner, Activity, owns, missed, off track, on track, met, no status");
  free(legend);
  free(dot);

  /* the same program without the overlay: the kinds, no statuses */
  dot = dot_of(e->p, "logic", NULL);
  legend = legend_of(dot);
  assert_string_equal(legend, "Partner, Activity, Output, Outcome, Goal, owns");
  assert_null(strstr(dot, "status as of"));
  free(legend);
  free(dot);

  /* the pathway (goals and outcomes only): o1 off track, o2 no data, and
   * goals missed, off track, on track, met, no data */
  dot = dot_of(e->p, "pathway", &e->r);
  assert_non_null(strstr(dot, ">Pathway of change " DOT " status as of 2025-12-31<"));
  legend = legend_of(dot);
  assert_string_equal(legend, "leads to, missed, off track, on track, met, no status");
  free(legend);
  free(dot);

  /* the accountability view draws nothing the overlay colours, and says so */
  dot = dot_of(e->p, "accountability", &e->r);
  assert_non_null(
      strstr(dot, ">Accountability " DOT " draws no statuses (no goals, outcomes or indicators) " DOT " as of 2025-12-31<"));
  assert_null(strstr(dot, "status as of"));
  legend = legend_of(dot);
  assert_string_equal(legend, "Partner, Activity, owns");
  free(legend);
  free(dot);
  env_free(e);

  /* Only met and grey (no status) drawn: only they are listed. */
  e = env_new("charter \"C\" { vision \"v\" }\n"
              "goal g1 \"G1\" { indicator a }\n"
              "goal g2 \"G2\" { indicator b }\n"
              "indicator a \"A\" { direction up; target 1 by 2030 }\n"
              "indicator b \"B\" { direction up; target 1 by 2030 }\n");
  add(e, "a", "2024", 2);
  run_at(e, "2024-06-30"); /* before the row: both without data */
  dot = dot_of(e->p, "logic", &e->r);
  legend = legend_of(dot);
  assert_string_equal(legend, "no status");
  assert_non_null(strstr(dot, "status as of 2024-06-30<"));
  free(legend);
  free(dot);
  run_at(e, "2024-12-31");
  dot = dot_of(e->p, "logic", &e->r);
  legend = legend_of(dot);
  assert_string_equal(legend, "met, no status");
  expect_node(dot, "g1", MET, "met", "met");
  expect_node(dot, "g2", NO_DATA, "no data", "no data");
  free(legend);
  free(dot);
  env_free(e);
}

/* With a declared view: its focus is kept in the subtitle after the day. */
static void test_declared_view_subtitle(void **state) {
  (void)state;
  Env *e = env_new(OVERLAY_PROGRAM "view v \"Focused\" { focus g1 }\n");
  run_at(e, "2026-02-01");
  char *dot = dot_of(e->p, "v", &e->r);
  assert_non_null(strstr(dot, ">Logic model " DOT " status as of 2026-02-01 " DOT " focus: All four<"));
  free(dot);
  env_free(e);
}

/* render_dot draws no overlay, and is render_dot_status without one. */
static void test_render_dot_unchanged(void **state) {
  (void)state;
  Env *e = overlay_env();
  static const char *const views[] = {"logic", "pathway", "accountability", "v"};
  Program *p = re_load(OVERLAY_PROGRAM "view v \"Declared\" { diagram pathway; exclude g6 }\n");
  assert_int_equal(p->diags.nerrors, 0);
  for (int i = 0; i < 4; i++) {
    View v;
    assert_true(render_find_view(p, views[i], &v));
    Buf a = {0}, b = {0};
    render_dot(p, &v, &a);
    render_dot_status(p, &v, NULL, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(buf_str(&a), buf_str(&b), a.len);
    /* twice the same */
    Buf c = {0};
    render_dot(p, &v, &c);
    assert_string_equal(buf_str(&a), buf_str(&c));
    const char *s = buf_str(&a);
    assert_null(strstr(s, "status as of"));
    assert_null(strstr(s, "fillcolor=\"#F87171\""));
    assert_null(strstr(s, "fillcolor=\"#FDBA74\""));
    assert_null(strstr(s, "fillcolor=\"#A3E635\""));
    assert_null(strstr(s, "fillcolor=\"#34D399\""));
    assert_null(strstr(s, "fillcolor=\"#9CA3AF\""));
    assert_null(strstr(s, ">no data"));
    assert_null(strstr(s, "no indicator"));
    assert_null(strstr(s, DOT " target"));
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
  }
  /* the overlay changes only what it says it changes: with it, the logic
   * view has the same node and edge lines for partners and activities */
  View v;
  assert_true(render_find_view(e->p, "logic", &v));
  Buf plain = {0}, over = {0};
  render_dot(e->p, &v, &plain);
  render_dot_status(e->p, &v, &e->r, &over);
  for (const char *id = "pa"; id; id = strcmp(id, "pa") == 0 ? "act" : NULL) {
    char *x = node_line(buf_str(&plain), id), *y = node_line(buf_str(&over), id);
    assert_string_equal(x, y);
    free(x);
    free(y);
  }
  assert_non_null(strstr(buf_str(&plain), "\n  \"act\" -> \"o1\""));
  assert_non_null(strstr(buf_str(&over), "\n  \"act\" -> \"o1\""));
  buf_free(&plain);
  buf_free(&over);
  program_free(p);
  env_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_goal_takes_worst_status, env_teardown),
      cmocka_unit_test_teardown(test_indicator_captions, env_teardown),
      cmocka_unit_test_teardown(test_caption_numbers, env_teardown),
      cmocka_unit_test_teardown(test_legend_and_subtitle, env_teardown),
      cmocka_unit_test_teardown(test_declared_view_subtitle, env_teardown),
      cmocka_unit_test_teardown(test_render_dot_unchanged, env_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
