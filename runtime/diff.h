/* The comparison of two checked programs (charter diff; docs/diff.md):
 * which declarations were added, removed, renamed or changed, attribute by
 * attribute, and the changes that matter to accountability (a target
 * weakened, a metric removed, a waiver added…), each under a stable id.
 * No I/O: the store is asked through a callback, the command prints. */
#ifndef CHARTER_DIFF_H
#define CHARTER_DIFF_H

#include "program.h"

/* The classes: the accountability findings first (DC_FINDINGS of them),
 * then the neutral kinds of a change. The names (diff_class_name) are the
 * ids of --fail-on and of the JSON output. */
typedef enum DiffClass {
  DC_TARGET_WEAKENED,
  DC_EQUITY_WEAKENED,
  DC_COMMUNITY_OWNER_REMOVED,
  DC_METRIC_REMOVED,
  DC_INDICATOR_REMOVED,
  DC_BASELINE_CHANGED,
  DC_RULE_WAIVED,
  DC_MODULE_DROPPED,
  DC_COUNCIL_POWER_REDUCED,
  DC_ADDED,
  DC_REMOVED,
  DC_RENAMED,
  DC_CHANGED,
  DC_COUNT
} DiffClass;
#define DC_FINDINGS DC_ADDED

/* "target_weakened"… */
const char *diff_class_name(DiffClass c);
/* "target weakened", "targets weakened" by n (findings only). */
const char *diff_class_words(DiffClass c, int n);
/* The class named s[0..n), or -1. */
int diff_class_from_name(const char *s, size_t n);

/* What a change is about. */
typedef enum DiffSubject {
  DS_DECL,  /* a declaration (decl_kind says which kind) */
  DS_USE,   /* a top-level `use MODULE` */
  DS_WAIVER /* a top-level `waive RULE "reason"` */
} DiffSubject;

/* An attribute (or the title) whose values changed: each side's values as
 * written, joined by ", " (NULL: absent on that side). */
typedef struct DiffAttr {
  const char *name;               /* "target", "title", "disclosure"… */
  const char *old_text, *new_text;
  Loc old_loc, new_loc;           /* its first statement on each side */
} DiffAttr;

/* One thing added, removed, renamed or changed. Locations on the old side
 * are in the old program's files, on the new side in the new one's. */
typedef struct DiffChange {
  DiffClass kind;        /* DC_ADDED, DC_REMOVED, DC_RENAMED or DC_CHANGED */
  DiffSubject subject;
  int decl_kind;         /* DS_DECL: its DeclKind */
  const char *id;        /* the id (the new one when renamed; "charter" for the
                          * charter block), module name or waived rule id */
  const char *old_id;    /* renamed: the old id; else NULL */
  const char *title;     /* the declaration's title (new side when it has one) */
  const Decl *old_decl, *new_decl; /* DS_DECL: each side's, or NULL */
  bool has_old, has_new; /* which sides it is on */
  Loc old_loc, new_loc;  /* the declaration's id (or the item) on each side */
  bool moved;            /* in another file (relative to the entry's folder) */
  DiffAttr *attrs;       /* changed and renamed: what changed */
  int nattrs;
  int nfindings;         /* findings about it */
  const char *note;      /* a sentence for the reader, or NULL (an indicator
                          * renamed whose old id the store holds data for) */
} DiffChange;

/* An accountability finding. */
typedef struct DiffFinding {
  DiffClass cls;     /* one of the first DC_FINDINGS classes */
  int change;        /* index into Diff.changes */
  const char *attr;  /* the attribute it is about, or NULL */
  const char *what;  /* a sentence: what happened, with the values as written */
  bool on_new;       /* loc is in the new program (else the old) */
  Loc loc;           /* where to look */
  bool judged;       /* false: baseline_changed without a store to judge it */
} DiffFinding;

typedef struct Diff {
  Arena arena;          /* owns everything below */
  DiffChange *changes;  /* in the new program's order, then what the old one lost */
  int nchanges;
  DiffFinding *findings; /* in the order of their changes */
  int nfindings;
  int nfound[DC_COUNT]; /* judged findings by class; changes by kind */
  int unjudged;         /* baseline changes not judged (no store) */
} Diff;

typedef struct DiffOptions {
  /* Whether the store holds any measurement of indicator id; NULL when
   * there is no store: a baseline change is then reported, not judged. */
  bool (*has_data)(void *ctx, const char *indicator);
  void *ctx;
} DiffOptions;

/* Compares the declarations of the two programs' own files (not the
 * modules' they use), their `use` and top-level `waive` items. */
void diff_programs(const Program *old, const Program *new_, const DiffOptions *o, Diff *out);
void diff_free(Diff *d);

#endif
