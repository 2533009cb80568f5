/* Diagnostics: collected during a compilation, sorted by position, printed
 * at the end as GCC-style text, JSON, SARIF 2.1.0 or GitHub annotations. */
#ifndef CHARTER_DIAG_H
#define CHARTER_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "src.h"

typedef enum Severity { SEV_ERROR, SEV_WARNING, SEV_INFO } Severity;

typedef struct DiagNote {
  Loc loc;               /* where the note points */
  bool has_loc;          /* false: a note without a place */
  const char *msg;       /* the note's text */
  struct DiagNote *next; /* following note */
} DiagNote;

typedef struct Diag {
  Severity sev;     /* error, warning or info */
  Loc loc;          /* the offending span */
  const char *rule; /* check or rule id, e.g. "unresolved" */
  const char *msg;  /* message, starting lower-case */
  DiagNote *notes;  /* extra places, in order */
  const char *help; /* how to fix it (a rule's `help`), or NULL; text and github output */
  const char *fix;  /* the word that should replace loc's text, when the message offers one
                     * ("did you mean 'X'?"), else NULL; quotes included for a string */
  int seq;          /* order of creation, breaks sort ties */
} Diag;

typedef struct DiagList {
  Arena *arena;  /* owns messages and notes */
  Vec items;     /* Diag * */
  int nerrors;   /* counts by severity */
  int nwarnings;
  int ninfos;
  bool quiet_syntax; /* set after a fatal scanner error in the current file */
} DiagList;

/* A rule as SARIF describes it. */
typedef struct RuleInfo {
  const char *id;    /* "unresolved", "ci_backbone"… */
  const char *title; /* short description */
  const char *full;  /* full description */
  const char *help;  /* how to fix */
} RuleInfo;

void diag_init(DiagList *d, Arena *arena);
void diag_free(DiagList *d);
Diag *diag_add(DiagList *d, Severity sev, Loc loc, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_note(DiagList *d, Diag *g, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_note_noloc(DiagList *d, Diag *g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Turns warnings into errors (--werror). */
void diag_promote_warnings(DiagList *d);
void diag_sort(DiagList *d);

typedef struct DiagStyle {
  bool color; /* ANSI colours */
  int max;    /* diagnostics printed before "N more" (0: no limit) */
  const char *more; /* said after "N more not shown", e.g. where to see them, or NULL */
} DiagStyle;

/* json, sarif and github list at most this many diagnostics (notes aside),
 * then one entry, rule "too_many", saying how many more there were. */
enum { DIAG_MACHINE_MAX = 1000 };

void diag_print_text(FILE *out, DiagList *d, SrcSet *srcs, DiagStyle style);
void diag_print_summary(FILE *out, DiagList *d, bool color);
void diag_print_json(FILE *out, DiagList *d, SrcSet *srcs);
/* SARIF 2.1.0; info_uri, the tool's documentation address, is left out
 * when NULL or empty. */
void diag_print_sarif(FILE *out, DiagList *d, SrcSet *srcs, const RuleInfo *rules, int nrules,
                      const char *version, const char *info_uri);
void diag_print_github(FILE *out, DiagList *d, SrcSet *srcs);

#endif
