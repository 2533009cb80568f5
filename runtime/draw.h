/* Drawing: DOT text laid out in-process with libgvc (the dot layout and
 * the core plugins linked in, cairo loaded on demand for png and pdf) into
 * the bytes of an SVG, PNG or PDF. The only part of the engine that knows
 * Graphviz; charter render (runtime/cli/cmd_render.c) prints and writes. */
#ifndef CHARTER_DRAW_H
#define CHARTER_DRAW_H

#include <stdbool.h>

#include "util.h"

typedef enum DrawStatus {
  DRAW_OK,        /* drawn */
  DRAW_NO_DEVICE, /* this Graphviz cannot write the format (no cairo plugin) */
  DRAW_BAD_DOT,   /* Graphviz could not read the DOT */
  DRAW_NO_LAYOUT, /* the layout failed */
  DRAW_NO_OUTPUT  /* rendering the format failed */
} DrawStatus;

/* Lays out dot and appends it to *out as format: "svg", "png" or "pdf"
 * (cairo: load the cairo plugin, which png and pdf need). SVG comes without
 * Graphviz's version comment, so its bytes do not depend on the Graphviz
 * build. On failure appends to *why what went wrong (a sentence without
 * "charter: ", with the first line of what Graphviz said) and leaves *out
 * as it was. */
DrawStatus draw_dot(const char *dot, const char *format, bool cairo, Buf *out, Buf *why);

/* The same, and the size of the drawing as laid out, in points, before a
 * `size` attribute scales it down (its bounding box, without pad) into
 * *natural unless it is NULL. */
typedef struct DrawSize {
  double width, height;
} DrawSize;
DrawStatus draw_dot_sized(const char *dot, const char *format, bool cairo, Buf *out, Buf *why, DrawSize *natural);

#endif
