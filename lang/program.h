/* A whole program: the entry file, everything it imports and uses, the
 * declarations in depth-first order, and the built-in checks over them. This
 * is the one header the runtime sees the checked model through. */
#ifndef CHARTER_PROGRAM_H
#define CHARTER_PROGRAM_H

#include "ast.h"
#include "diag.h"
#include "rules.h"

/* A standard-library module compiled into the binary. */
typedef struct StdlibFile {
  const char *name; /* module name, e.g. "dimensions" */
  const char *text; /* its source */
} StdlibFile;

extern const StdlibFile charter_stdlib[]; /* ends with {NULL, NULL} */

/* Imports may read only regular *.charter files inside a root: the entry
 * file's folder, root, and each folder of charter_path (docs/security.md). */
typedef struct LoadOptions {
  const char *charter_path; /* CHARTER_PATH, colon-separated, or NULL */
  const char *root;         /* --root: one more folder imports may read, or NULL */
} LoadOptions;

typedef struct Program {
  Arena arena;          /* owns every node, string and diagnostic */
  SrcSet srcs;          /* every file read, in load order */
  DiagList diags;       /* everything found */
  Vec files;            /* AstFile * in load order */
  Vec decls;            /* Decl * in declaration order (depth-first) */
  Vec waivers;          /* top-level Item * of kind IT_WAIVE */
  Vec modules;          /* names (const char *) of modules used */
  Vec rules;            /* Rule * of every rule declaration, in order */
  StrMap ids;           /* id -> Decl * */
  Decl *charter;        /* the charter block, or NULL */
  uint32_t entry;       /* source index of the entry file */
  bool entry_unreadable; /* the entry file could not be read (exit 2) */
} Program;

/* Loads, parses and runs every built-in check. Never returns NULL. */
Program *program_load(const char *path, const LoadOptions *opt);
/* The same on text in memory (tests, the language server). */
Program *program_load_text(const char *path, const char *text, size_t len, const LoadOptions *opt);
/* Text in memory for a file the program imports (an editor's open buffer):
 * given the checked real path of an import, its text and *len, or NULL to
 * read the file from the disk. The text is copied. */
typedef const char *(*LoadTextFn)(void *ctx, const char *real, size_t *len);
/* program_load_text, where the imports text_for supplies are read from it. */
Program *program_load_buffers(const char *path, const char *text, size_t len, const LoadOptions *opt,
                              LoadTextFn text_for, void *ctx);
void program_free(Program *p);

/* ---- the attribute schema (docs/language.md, "How to read the tables") ---- */

typedef enum ValueForm {
  F_TEXT,    /* string or text block */
  F_STRING,  /* one-line string */
  F_SYMBOL,  /* one of a fixed set of words */
  F_REF,     /* id of a declaration of the allowed kinds */
  F_PERIOD,  /* a period */
  F_RANGE,   /* period to period */
  F_NUM_IN,  /* NUMBER in period */
  F_NUM_BY,  /* NUMBER by period */
  F_EQUITY,  /* DIM gap|ratio N [to "Group"] by period, or DIM "Group" N by period */
  F_BUDGET,  /* NUMBER CURRENCY */
  F_MONTH,   /* a month number, 1–12 (school_year_ends, fiscal_year_ends) */
  F_WAIVE,   /* RULE_ID "reason" */
  F_EXPR,    /* for / where / require / formula: an expression statement */
  F_NUMBER,  /* NUMBER */
  F_SCALE,   /* a power of ten, 10 or more */
  F_BOUNDS,  /* NUMBER to NUMBER */
  F_COMPARE  /* NUMBER "label" */
} ValueForm;

enum {
  A_LIST = 1,     /* several comma-separated values; repeating appends */
  A_REPEAT = 2,   /* one value per line, repeatable */
  A_REQUIRED = 4  /* must be present */
};

typedef struct AttrSpec {
  const char *name;             /* attribute name */
  ValueForm form;               /* how its values are written */
  unsigned flags;               /* A_LIST, A_REPEAT, A_REQUIRED */
  const char *const *symbols;   /* F_SYMBOL: the allowed words, NULL-terminated */
  unsigned kinds;               /* F_REF: mask of 1u << DeclKind */
  const char *example;          /* how it is written, for messages and docs */
} AttrSpec;

/* Masks of kinds, for F_REF specs. */
#define KB_CHARTER (1u << D_CHARTER)
#define KB_PARTNER (1u << D_PARTNER)
#define KB_COUNCIL (1u << D_COUNCIL)
#define KB_DIMENSION (1u << D_DIMENSION)
#define KB_GOAL (1u << D_GOAL)
#define KB_OUTCOME (1u << D_OUTCOME)
#define KB_INDICATOR (1u << D_INDICATOR)
#define KB_ACTIVITY (1u << D_ACTIVITY)
#define KB_RULE (1u << D_RULE)
#define KB_VIEW (1u << D_VIEW)

/* An enum per symbol set (Direction: DIRECTION_UP, DIRECTION_DOWN…), in the
 * order of lang/schema.def; a checked F_SYMBOL value holds its word's
 * enumerator in Value.form, and schema_<SET>[enumerator] is the word
 * (schema_DIRECTIONS[DIRECTION_DOWN] is "down"; NULL-terminated). */
#define SYMSET(S, T) extern const char *const schema_##S[]; typedef enum T {
#define SYM(S, E, W) E,
#define END_SYMSET(S, T) } T;
#include "schema.def"

/* Each kind's attributes numbered from 0 in table order… */
#define KIND(K, n) enum {
#define ATTR(K, ID, NAME, FORM, FLAGS, SYMS, REFS, EX, FIELD, FTYPE, FDEF) ATI_##K##_##ID,
#define END_KIND(K, n) ATI_##K##_COUNT_ };
#include "schema.def"

/* …and an id for each (kind, attribute): AT_INDICATOR_TARGET. The kind is in
 * the high bits, the slot of the kind's table in the low ones. */
#define ATTR(K, ID, NAME, FORM, FLAGS, SYMS, REFS, EX, FIELD, FTYPE, FDEF) AT_##K##_##ID = (D_##K << 8) | ATI_##K##_##ID,
typedef enum AttrId {
#include "schema.def"
  AT_NONE_ = -1
} AttrId;

/* The kind an attribute id belongs to, and its slot in the kind's table. */
#define ATTR_KIND(id) ((DeclKind)((unsigned)(id) >> 8))
#define ATTR_SLOT(id) ((int)((unsigned)(id) & 0xffu))

extern const AttrVals attr_absent;

/* The checked values of an attribute (never NULL; n is 0 and first NULL when
 * absent, and when d is not of the attribute's kind, so that a walk over
 * declarations of several kinds can ask each the same). */
static inline const AttrVals *decl_attr(const Decl *d, AttrId id) {
  if (ATTR_KIND(id) != d->kind || !d->vals) return &attr_absent;
  return &d->vals[ATTR_SLOT(id)];
}

/* Its waive attribute (rules and views have none: n is 0). */
const AttrVals *decl_waivers(const Decl *d);

/* The attributes of a kind; *n receives how many. */
const AttrSpec *chk_specs(DeclKind kind, int *n);
/* Index of attribute name in kind's table, or -1. */
int chk_spec_index(DeclKind kind, const char *name);

/* The built-in checks, for SARIF and help. */
extern const RuleInfo chk_builtin_rules[];
extern const int chk_builtin_count;
bool chk_is_builtin(const char *id);
/* True when s can be a coalition key (1 to 63 letters, digits, '-', '_'). */
bool chk_coalition_key(const char *s);

/* Internal: the built-in checks, run by program_load after loading and
 * before rules_check (lang/modules.h has the module look-ups they use). */
void chk_run(Program *p);

#endif
