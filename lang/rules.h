/* Rules written in Charter (docs/language.md, Rules): the static types
 * of expressions, the fields each kind of entity offers, and the compiled
 * form of a rule that the interpreter (runtime/interp.c) runs. The checker
 * (rules.c) type-checks every rule when a program loads and annotates its
 * expressions (Expr.res, .slot, .target) so that evaluation never looks a
 * name up again. */
#ifndef CHARTER_RULES_H
#define CHARTER_RULES_H

#include "ast.h"

typedef enum TypeTag {
  T_ANY,  /* unknown after an error: accepted everywhere, reports nothing more */
  T_NONE, /* the literal none */
  T_NUM, T_STR, T_BOOL, T_PER,
  T_ENT,  /* a declaration; kinds says which */
  T_REC,  /* a milestone or equity record; rec says which */
  T_LIST  /* elem says of what */
} TypeTag;

typedef enum RecKind { REC_NONE, REC_MILESTONE, REC_EQUITY } RecKind;

typedef struct Type {
  uint8_t tag;               /* a TypeTag */
  uint8_t rec;               /* T_REC: a RecKind */
  uint16_t kinds;            /* T_ENT: mask of 1u << DeclKind */
  const struct Type *elem;   /* T_LIST: the element type */
} Type;

/* How a field is read. */
typedef enum FieldCode {
  FD_ID, FD_TITLE, FD_KIND,
  FD_ATTR,          /* a plain attribute, read by its form */
  FD_BASELINE, FD_BASELINE_PERIOD, FD_TARGET, FD_TARGET_BY, FD_MILESTONES, FD_EQUITY,
  FD_HAS_TARGET, FD_BUDGET, FD_CURRENCY, FD_PERIOD_START, FD_PERIOD_END,
  FD_DISCLOSURE,    /* charter: whether it has a disclosure block */
  FD_ACTIVITIES,    /* partner: owned or community-owned; goal, outcome: contributing;
                       indicator: using it as a metric */
  FD_COUNCILS, FD_IS_COMMUNITY, FD_OUTCOMES, FD_PRECEDED_BY, FD_MEASURES_OF,
  FD_OPERANDS,      /* indicator: the indicators its formula names */
  FD_REC_VALUE, FD_REC_BY, FD_REC_DIMENSION, FD_REC_FORM, FD_REC_GROUP
} FieldCode;

typedef struct Field {
  const char *name;  /* as written after '.' */
  FieldCode code;    /* how it is read */
  const Type *type;  /* its static type (none is always possible) */
  const char *dflt;  /* FD_ATTR symbol: the value when absent (NULL: none) */
  const char *attr;  /* a derived field: the attribute it reads (NULL: none,
                        or, for FD_ATTR, the attribute named like the field) */
} Field;

/* A field access resolved per kind of the object (entities of several kinds
 * can meet in one list, such as an outcome's leads_to). */
typedef struct FieldRes {
  const Field *f[D_KIND_COUNT + 3]; /* by kind, then by D_KIND_COUNT + RecKind */
  int8_t attr[D_KIND_COUNT];       /* the schema index of the attribute read (-1: none) */
} FieldRes;

typedef enum NameRes { NM_VAR, NM_COLL, NM_CHARTER, NM_DECL } NameRes;

typedef enum FuncId {
  FN_COUNT, FN_ANY, FN_ALL, FN_SUM, FN_MIN, FN_MAX, FN_EXISTS, FN_LEN, FN_LOWER, FN_DISTINCT
} FuncId;

/* One part of a rule's message: literal text, or an {interpolation}. */
typedef struct TplPart {
  const char *text; /* decoded literal text (NULL for an interpolation) */
  Expr *expr;       /* the interpolated expression (NULL for text) */
} TplPart;

/* A rule as the interpreter runs it. */
typedef struct Rule {
  struct Decl *decl;  /* the rule declaration */
  int sev;            /* a Severity */
  const char *var;    /* the `for` variable, or NULL: the rule runs once */
  Expr *over;         /* the `for` list */
  Expr *where;        /* NULL: every element */
  Expr *require;      /* the condition */
  TplPart *msg;       /* the message parts; NULL: "Title: id" */
  int nmsg;           /* how many */
  int nslots;         /* variables in use at once, the `for` one included */
  bool ok;            /* type-checked cleanly: the runner runs it */
  int index;          /* its position in Program.rules */
} Rule;

struct Program;
/* Compiles and type-checks every rule and the messages of the program into
 * p->rules; errors go to p->diags as `type` and `syntax` diagnostics. Called
 * by program_load after the built-in checks (chk_run). */
void rules_check(struct Program *p);
/* Whether a declaration's id name would be read as something else in a
 * rule: a collection (activities, indicators…) or the charter. */
bool rules_name_shadows(const char *name);

#endif
