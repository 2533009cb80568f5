/* The overlay's status colours (runtime/render.c, render_swatches;
 * docs/measurement.md, "The status overlay"):
 *
 * - apart: no status's fill comes within MIN_DE of a kind's fill or of
 *   another status's, as seen with normal colour vision and as simulated
 *   for protanopia and deuteranopia. The simulation is the standard one of
 *   Machado, Oliveira and Fernandes (2009) at full severity, applied to
 *   linear RGB; the distance is CIE76 ΔE in CIELAB (D65). A ΔE of about
 *   2.3 is just noticeable side by side; MIN_DE = 15 asks for colours told
 *   apart at a glance on separate nodes of a printed page or a projector.
 *   The measure is checked on the pair that motivated it: the old off-track
 *   orange and the community owner's amber come out below 6.
 * - borders: each status's border has a contrast of at least 3:1 with the
 *   white page (WCAG 2.1, 1.4.11, non-text contrast), since a pale fill
 *   alone does not.
 * - text: the dark text a status node is written in (its title and its
 *   caption, where the status word is) has at least 4.5:1 on its fill
 *   (WCAG 2.1, 1.4.3; the caption is 9 pt). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "present.h"
#include "render.h"

#define MIN_DE 15.0

typedef struct Lab {
  double l, a, b;
} Lab;

static double channel(unsigned v) {
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* "#RRGGBB" into linear RGB. */
static void linear_rgb(const char *hex, double rgb[3]) {
  assert_int_equal(strlen(hex), 7);
  assert_true(hex[0] == '#');
  unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
  rgb[0] = channel(v >> 16 & 255);
  rgb[1] = channel(v >> 8 & 255);
  rgb[2] = channel(v & 255);
}

/* Machado, Oliveira and Fernandes (2009), severity 1.0. */
static const double normal[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
static const double protanopia[3][3] = {
    {0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}};
static const double deuteranopia[3][3] = {
    {0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}};
static const double (*const visions[])[3] = {normal, protanopia, deuteranopia};
static const char *const vision_names[] = {"normal vision", "protanopia", "deuteranopia"};

static double lab_f(double t) { return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116; }

/* hex as seen with vision m, in CIELAB. */
static Lab seen(const char *hex, const double m[3][3]) {
  double in[3], c[3];
  linear_rgb(hex, in);
  for (int i = 0; i < 3; i++) {
    c[i] = m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2];
    c[i] = c[i] < 0 ? 0 : c[i] > 1 ? 1 : c[i];
  }
  double x = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
  double y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  double z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
  return (Lab){116 * lab_f(y) - 16, 500 * (lab_f(x) - lab_f(y)), 200 * (lab_f(y) - lab_f(z))};
}

/* The smallest ΔE between two colours over the three visions (which one
 * into *worst). */
static double closest(const char *p, const char *q, int *worst) {
  double min = INFINITY;
  for (int v = 0; v < 3; v++) {
    Lab a = seen(p, visions[v]), b = seen(q, visions[v]);
    double d = sqrt((a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b));
    if (d < min) min = d, *worst = v;
  }
  return min;
}

static double luminance(const char *hex) {
  double c[3];
  linear_rgb(hex, c);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static double contrast(const char *p, const char *q) {
  double a = luminance(p), b = luminance(q);
  return a > b ? (a + 0.05) / (b + 0.05) : (b + 0.05) / (a + 0.05);
}

/* Every level of present.h has a swatch, and the meanings are distinct. */
static void test_palette_complete(void **state) {
  (void)state;
  int statuses = 0;
  for (int i = 0; i < render_nswatches; i++) {
    statuses += render_swatches[i].status;
    for (int j = i + 1; j < render_nswatches; j++)
      assert_string_not_equal(render_swatches[i].meaning, render_swatches[j].meaning);
  }
  assert_int_equal(statuses, PRESENT_LEVELS);
}

/* The measure tells the colours that were confused apart from those that
 * are not. */
static void test_measure_catches_old_pair(void **state) {
  (void)state;
  int v;
  assert_true(closest("#FFEDD5", "#FDF0E1", &v) < 6); /* old off track, community owner */
  assert_true(closest("#FFFFFF", "#000000", &v) > 99);
  /* red and green that a deuteranope confuses, and normal vision does not */
  assert_true(closest("#D55E00", "#6A8F00", &v) < MIN_DE && v != 0);
  assert_true(closest("#FFFFFF", "#FFFFFF", &v) == 0);
}

static void test_statuses_apart(void **state) {
  (void)state;
  int failures = 0;
  for (int i = 0; i < render_nswatches; i++) {
    const RenderSwatch *s = &render_swatches[i];
    if (!s->status) continue;
    for (int j = 0; j < render_nswatches; j++) {
      const RenderSwatch *t = &render_swatches[j];
      if (j == i || (t->status && j < i)) continue;
      int v;
      double d = closest(s->fill, t->fill, &v);
      if (d < MIN_DE) {
        fprintf(stderr, "status '%s' (%s) and '%s' (%s): ΔE %.1f under %s, below %.0f\n", s->meaning, s->fill,
                t->meaning, t->fill, d, vision_names[v], MIN_DE);
        failures++;
      }
    }
  }
  assert_int_equal(failures, 0);
}

static void test_status_borders_on_white(void **state) {
  (void)state;
  for (int i = 0; i < render_nswatches; i++) {
    const RenderSwatch *s = &render_swatches[i];
    if (!s->status) continue;
    double c = contrast(s->line, "#FFFFFF");
    if (c < 3.0) fprintf(stderr, "status '%s': border %s has %.2f:1 on white\n", s->meaning, s->line, c);
    assert_true(c >= 3.0);
  }
}

static void test_status_text(void **state) {
  (void)state;
  for (int i = 0; i < render_nswatches; i++) {
    const RenderSwatch *s = &render_swatches[i];
    if (!s->status) continue;
    double c = contrast(render_status_ink, s->fill);
    if (c < 4.5) fprintf(stderr, "status '%s': text %s on %s is %.2f:1\n", s->meaning, render_status_ink, s->fill, c);
    assert_true(c >= 4.5);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_palette_complete),
      cmocka_unit_test(test_measure_catches_old_pair),
      cmocka_unit_test(test_statuses_apart),
      cmocka_unit_test(test_status_borders_on_white),
      cmocka_unit_test(test_status_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
