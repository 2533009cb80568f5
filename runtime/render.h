/* Views (docs/language.md, Views; docs/render.md): which declarations a
 * view draws, and the DOT that charter lays out with libgvc. The DOT is
 * plain text so that `render -T dot` shows exactly what is laid out, and
 * tests can compare it. */
#ifndef CHARTER_RENDER_H
#define CHARTER_RENDER_H

#include <stdbool.h>

#include "program.h"


typedef struct View {
  const char *name;  /* "logic", "pathway", "accountability" or a view's id */
  const Decl *decl;  /* the view declaration, or NULL for a built-in view */
  Diagram diagram;   /* what it draws */
  double fit_width, fit_height; /* inches: scale the drawing down to fit (Graphviz's size); 0: as laid out */
  const char *untitled;  /* a declaration without a title is named this, not
                          * by its id (the public report); NULL: its id */
} View;

/* Finds the view called name: a declared view first, then a built-in one.
 * False when there is none. */
bool render_find_view(const Program *p, const char *name, View *out);
/* Every view's name (declared views first, then the built-in ones not
 * shadowed), for messages and suggestions; returns how many. names has room
 * for p->decls.len + 3 entries. */
int render_view_names(const Program *p, const char **names);
/* in[d->index] nonzero for each declaration the view draws (calloc'd, n+1
 * bytes; the caller frees it). */
unsigned char *render_select(const Program *p, const View *v);
/* The declaration at index i of p (declaration order). */
Decl *decl_at(const Program *p, int i);
/* Whether attribute name of d refers to a declaration marked in in. */
bool render_refers_in(const unsigned char *in, const Decl *d, AttrId a);
/* The DOT of a view of a checked program (no built-in errors). */
void render_dot(const Program *p, const View *v, Buf *out);
/* The same with the status overlay of an evaluation (NULL: none): goals,
 * outcomes and indicators coloured by status, indicators captioned with
 * their latest value against the target. */
struct EvalResult;
void render_dot_status(const Program *p, const View *v, const struct EvalResult *ev, Buf *out);

/* The size of a view as laid out: the declarations it draws (nodes) and
 * the arrows between them (edges), headings and legend aside. Counted
 * from the model, without writing the DOT, in time linear in the program. */
typedef struct RenderSize {
  long nodes, edges;
} RenderSize;
RenderSize render_size(const Program *p, const View *v);
/* The layout budget (docs/render.md, "How big a view may be"; the front
 * end enforces it): the largest view laid out unless the user raises the
 * limits. Chosen by measurement (make bench, "render time against size"):
 * the benchmark's generated programs draw about 2.3 arrows per node, so
 * its 2,000-node logic model (4,645 arrows) is inside, and lays out in
 * seconds, as do the worst shapes at the limits. */
enum { RENDER_MAX_NODES = 2000, RENDER_MAX_EDGES = 5000 };
/* The smallest text size (points) dot sets: the least POINT-SIZE or
 * fontsize in it, 0 when it has none. */
double render_smallest_text(const char *dot);
/* Up to max ids of declarations drawn by v that a view's focus could name
 * to split v: its goals when it draws two or more, else its outcomes;
 * returns how many. */
int render_split_suggestions(const Program *p, const View *v, const Decl **out, int max);

/* The id of a goal (else an outcome) of p, for a message's example of a
 * view with focus, or NULL when p has neither. */
const char *render_focus_example(const Program *p);

/* The drawing's node colours and what each means: a kind of node, or a
 * status of the overlay (drawn with render_status_ink text, its caption
 * included). tests/unit/test_palette.c holds the statuses apart from the
 * kinds and from each other. */
typedef struct RenderSwatch {
  const char *meaning, *fill, *line; /* "#RRGGBB" */
  bool status;
} RenderSwatch;
extern const RenderSwatch render_swatches[];
extern const int render_nswatches;
extern const char render_status_ink[];

/* Appends s as text of an HTML-like label: markup characters become
 * entities, a backslash is doubled (Graphviz expands \N and the like even
 * there), a line end becomes <BR/>, other control characters a space, and
 * lines wrap at width columns (0: no wrapping). */
void render_html_text(Buf *out, const char *s, int width);

#endif
