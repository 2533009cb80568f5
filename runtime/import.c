/* The import engine: CSV measurements streamed, each row checked against
 * the program into diagnostics and stored through the store interface as
 * it is read, in one transaction kept or rolled back whole. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "import.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "present.h"
#include "suggest.h"

/* The columns a CSV may have (docs/measurement.md, "Columns"), in the order
 * rows are kept. */
enum { COL_INDICATOR, COL_DIMENSION, COL_GROUP, COL_PERIOD, COL_VALUE, COL_SOURCE, COL_NOTE, COL_NUMERATOR, COL_DENOMINATOR, COL_FLAG, NCOLS };
static const char *const col_names[NCOLS] = {"indicator", "dimension", "group", "period", "value", "source", "note",
                                             "numerator", "denominator", "flag"};
/* value is required unless both counts are there */
static const bool col_required[NCOLS] = {true, false, false, true, false, false, false, false, false, false};

/* One valid row, stored as soon as it is checked. Its texts point into
 * the reader's fields, valid until the next record is read. */
typedef struct Row {
  const Decl *ind;    /* the indicator */
  const Decl *dim;    /* the dimension, or NULL for the whole population */
  const char *grp;    /* the group as the dimension spells it, or "" */
  const char *period; /* as written */
  const char *source; /* "" when absent */
  const char *note;   /* "" when absent */
  uint64_t key;       /* indicator, dimension and group, period end: sorts as the primary key does */
  double value;       /* finite; NAN only when flags has OBS_SUPPRESSED */
  double num, den;    /* the counts, NAN when not given */
  unsigned flags;     /* ObsFlag mask */
  uint32_t period_len, source_len, note_len;
  int32_t end;        /* the period's last day, in days from 1970-01-01 */
  Period per;         /* the period */
  uint32_t file;      /* the CSV's index in the import's SrcSet */
  uint32_t rec_off;   /* where the record starts */
  uint32_t rec_end;   /* where its first field ends (at least rec_off + 1) */
  uint32_t val_off;   /* the value field (the numerator's when the value was computed from counts) */
  uint32_t val_end;
  char iso[16];       /* the period as YYYY-MM-DD, when --date-order read it */
} Row;

/* What import knows of one series (indicator, dimension and group) it
 * stored rows of, for the median warning: the extremes of its rows'
 * values on each side of 0 (NAN for none), then the median of the series
 * as stored. */
/* The readings of the files: the first checks and stores every row (or,
 * with an engine's bulk path, stages it); the others read the stored rows
 * again: to settle the rows a file's merge did not add, to find the first
 * row of a duplicate key, and to find the rows far from their series'
 * median. */
enum { PASS_STORE, PASS_MERGE, PASS_LOCATE, PASS_MEDIAN };

/* A staged row that merge did not add, as it reported it. */
typedef struct Merged {
  int64_t at;        /* file << 32 | rec_off */
  int64_t import_id; /* the import of the stored row */
  uint32_t put;      /* StorePut */
  uint32_t old;      /* for a conflict: its StoreStored in olds */
} Merged;

/* A duplicate key's error, waiting for its first row's place. */
typedef struct Pending {
  uint64_t key;
  Diag *diag;
  size_t order; /* the errors' order, kept among equal keys */
} Pending;

typedef struct Series {
  uint64_t key;            /* row_key >> 22, plus 1 (0: an empty slot) */
  double pos_lo, pos_hi;   /* the smallest and largest value above 0 */
  double neg_lo, neg_hi;   /* the smallest and largest value below 0 */
  double median;           /* NAN until known, and when there is none */
  size_t values;           /* how many values the median is of */
} Series;

struct Import {
  const Program *p;   /* the checked program */
  Arena arena;        /* row strings, messages */
  SrcSet srcs;        /* the CSV files */
  DiagList diags;     /* every row error */
  uint32_t *ind_rank; /* by Decl.index: an indicator's place among the ids, sorted */
  uint32_t **grp_rank; /* by Decl.index: a dimension's groups' places among (id, group) pairs, sorted (from 1) */
  Series *series;     /* open addressing by key; a power of 2 slots */
  size_t nseries, capseries;
  bool *touched;      /* by Decl.index: an indicator this import stored rows of */
  Store *s;           /* while storing: the store */
  int64_t *ids;       /* each file's import id */
  bool replace;       /* overwrite a different stored value */
  ImportCounts *per_file;
  StoreRc rc;         /* the store's failure, or STORE_OK */
  int pass;           /* PASS_STORE, or reading again: PASS_MERGE, PASS_LOCATE, PASS_MEDIAN */
  bool bulk;          /* the engine stages rows and merges each file */
  long staged;        /* rows of the file being read staged */
  Merged *merged;     /* what the file's merge reported, in at order */
  size_t nmerged, capmerged, next;
  StoreStored *olds;  /* the stored rows of its conflicts */
  size_t nolds, capolds;
  DiagList *real;     /* then: where its diagnostics go */
  struct Pending *pending; /* duplicates whose first row is yet to be found */
  size_t npending, cappending;
  char **maps;        /* by file: the text when mapped, else NULL */
  size_t *map_len;    /* the mapping's length */
  StrMap unknown;     /* unknown indicator names -> suggestion ("" for none) */
  const char **inds;  /* ids of indicators that take data, for suggestions */
  int ninds;          /* how many */
  char *const *files; /* the CSV files' names, as given */
  int nfiles;         /* how many */
  ImportOptions opt;  /* dates and thousands */
  double started;     /* when the import started (progress) */
  double shown_at;    /* when progress was last shown, 0 if never */
  size_t bytes_done, bytes_all; /* of every file: read so far, in all */
  long rows_read;     /* records read so far */
  /* the file being read: */
  int need;           /* fields a row needs: up to the last column read */
  int named;          /* the header's fields up to its last name */
  size_t line_pos;    /* a byte offset whose line is known */
  long line;          /* that line (from 1) */
  long skipped;       /* rows without a value, skipped */
  long skip_range[8][2]; /* their lines: the first 8 ranges of them */
  long skip_first, skip_last; /* the range being built */
  int skip_ranges;    /* ranges done */
  Loc skip_loc;       /* the first one's first field */
};

/* ---- progress ---- */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Shows where the import is, on one line of standard error rewritten in
 * place, once it has taken a second and then every quarter second. */
static void progress(Import *im) {
  double t = now_seconds();
  if (t - im->started < 1 || t - im->shown_at < 0.25) return;
  fprintf(stderr, "\rcharter: import: %s%ld rows (%d%% of the files), %.0f rows/s\033[K",
          im->pass == PASS_MEDIAN ? "checking medians, " : im->pass == PASS_LOCATE ? "finding first rows, " : im->pass == PASS_MERGE ? "comparing with stored rows, " : "",
          im->rows_read, im->bytes_all ? (int)(100.0 * (double)im->bytes_done / (double)im->bytes_all) : 100,
          (double)im->rows_read / (t - im->started));
  fflush(stderr);
  im->shown_at = t;
}

/* Clears the progress line, if one was shown. */
static void progress_done(Import *im) {
  if (!im->shown_at) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  im->shown_at = 0;
}

/* ---- reading and checking ---- */

static Loc field_loc(uint32_t file, const CsvField *f) {
  return (Loc){file, f->off, f->end > f->off ? f->end : f->off + 1};
}

/* The ranks that make a row's key sort as SQLite's primary key (indicator,
 * dimension, grp, period_end) does, so that rows go into the B-tree in
 * order and a duplicate is its neighbour. */
static int cmp_decl_id(const void *a, const void *b) {
  return strcmp((*(const Decl *const *)a)->id, (*(const Decl *const *)b)->id);
}
typedef struct Pair {
  const Decl *dim;
  int g;
} Pair;
static int cmp_pair(const void *a, const void *b) {
  const Pair *x = a, *y = b;
  int k = strcmp(x->dim->id, y->dim->id);
  return k ? k : strcmp(decl_attr(x->dim, AT_DIMENSION_GROUPS)->vals[x->g].str, decl_attr(y->dim, AT_DIMENSION_GROUPS)->vals[y->g].str);
}

static void make_ranks(Import *im) {
  const Program *p = im->p;
  size_t n = (size_t)p->decls.len + 1;
  const Decl **inds = xmalloc(n * sizeof *inds);
  Pair *pairs = NULL;
  size_t ni = 0, np = 0, cap = 0;
  im->ind_rank = xcalloc(n, sizeof *im->ind_rank);
  im->grp_rank = xcalloc(n, sizeof *im->grp_rank);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_INDICATOR) inds[ni++] = d;
    if (d->kind != D_DIMENSION) continue;
    const AttrVals *g = decl_attr(d, AT_DIMENSION_GROUPS);
    im->grp_rank[d->index] = xcalloc((size_t)g->n + 1, sizeof **im->grp_rank);
    for (int k = 0; k < g->n; k++) {
      if (np == cap) pairs = xrealloc(pairs, (cap = cap ? cap * 2 : 64) * sizeof *pairs);
      pairs[np++] = (Pair){d, k};
    }
  }
  qsort(inds, ni, sizeof *inds, cmp_decl_id);
  for (size_t i = 0; i < ni; i++) im->ind_rank[inds[i]->index] = (uint32_t)i;
  if (np) qsort(pairs, np, sizeof *pairs, cmp_pair);
  for (size_t i = 0; i < np; i++) im->grp_rank[pairs[i].dim->index][pairs[i].g] = (uint32_t)(i + 1);
  free(inds);
  free(pairs);
}

/* A percentage indicator (unit "%"). */
static bool is_pct(const IndicatorView *v) { return v->unit && strcmp(v->unit, "%") == 0; }

/* 24 bits of indicator, 18 of dimension and group, 22 of day (0000-01-01
 * to 9999-12-31 is 0 to 3,652,424 after the offset). */
static uint64_t row_key(const Import *im, const Row *r, int g) {
  uint64_t pair = r->dim ? im->grp_rank[r->dim->index][g] : 0;
  return (uint64_t)im->ind_rank[r->ind->index] << 40 | pair << 22 | (uint64_t)(r->end + 719528);
}

/* "whole population" or "group 'Black' of race_ethnicity", for messages. */
static const char *who(Arena *a, const Row *r) {
  if (!r->dim) return "the whole population";
  return arena_printf(a, "group '%s' of %s", r->grp, r->dim->id);
}

/* Reads a finite decimal number: an optional sign, digits with an optional
 * fraction, an optional exponent. Nothing else, not even spaces. */
static bool parse_value(const char *s, size_t n, double *out, const char **why) {
  size_t i = 0, digits = 0, frac = 0;
  uint64_t mant = 0;
  bool exp = false;
  *why = NULL;
  if (n == 0) {
    *why = "the value is empty: write a number, or leave the row out when nothing was measured";
    return false;
  }
  if (s[i] == '+' || s[i] == '-') i++;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
    if (digits < 19) mant = mant * 10 + (uint64_t)(s[i] - '0');
  if (i < n && s[i] == '.') {
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++, frac++)
      if (digits < 19) mant = mant * 10 + (uint64_t)(s[i] - '0');
  }
  if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1, ed = 0;
    if (j < n && (s[j] == '+' || s[j] == '-')) j++;
    while (j < n && s[j] >= '0' && s[j] <= '9') j++, ed++;
    if (ed) i = j, exp = true;
  }
  if (!digits || i != n) return false;
  /* Clinger's fast path: an integer below 2^53 divided by an exact power
   * of ten is rounded once, correctly, as strtod would */
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (!exp && digits < 19 && mant < (1ull << 53) && frac <= 22) {
    double v = (double)mant / pow10[frac];
    *out = s[0] == '-' ? -v : v;
    return true;
  }
  double v = strtod(s, NULL);
  if (!isfinite(v)) {
    *why = "the value is too large to store: a value is a finite number";
    return false;
  }
  if (v == 0 && strpbrk(s, "123456789") && (!strpbrk(s, "eE") || strpbrk(s, "123456789") < strpbrk(s, "eE"))) {
    *why = "the value is too small to store: it would be stored as 0";
    return false;
  }
  *out = v;
  return true;
}

/* A field's text for a message: invalid UTF-8 and control characters as
 * \xNN, and at most 60 characters (a 1 MB field makes no 1 MB message). */
static const char *shown(Import *im, const CsvField *f) {
  Buf b = {0};
  size_t chars = 0;
  for (size_t i = 0; i < f->n;) {
    if (++chars > 60) {
      buf_puts(&b, "\xE2\x80\xA6");
      break;
    }
    uint32_t cp;
    int k = utf8_decode((const unsigned char *)f->s + i, f->n - i, &cp);
    if (!k || cp < 0x20 || cp == 0x7f) {
      buf_printf(&b, "\\x%02X", (unsigned char)f->s[i]);
      i++;
    } else {
      buf_add(&b, f->s + i, (size_t)k);
      i += (size_t)k;
    }
  }
  const char *out = arena_strdup(&im->arena, buf_str(&b));
  buf_free(&b);
  return out;
}

/* True when a field starts or ends with white space, which is kept. */
static bool edge_space(const CsvField *f) {
  return f->n && (strchr(" \t", f->s[0]) || strchr(" \t", f->s[f->n - 1]));
}

/* Reports a field with spaces around it; true if it had them. */
static bool spaced(Import *im, uint32_t file, const CsvField *f, const char *what) {
  if (!edge_space(f)) return false;
  diag_add(&im->diags, SEV_ERROR, field_loc(file, f), NULL,
           "the %s '%s' has spaces around it: fields are read exactly as written, so remove them", what, shown(im, f));
  return true;
}

static bool valid_utf8(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && !((unsigned char)s[i] & 0x80)) i++; /* ASCII, the usual case */
  while (i < n) {
    uint32_t cp;
    int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (!k) return false;
    i += (size_t)k;
  }
  return true;
}

/* Why text is not a number, as a hint for a common slip. */
static const char *value_hint(const char *s) {
  const char *t = s;
  if (*t == '+' || *t == '-') t++;
  if (!strcasecmp(t, "nan") || !strcasecmp(t, "inf") || !strcasecmp(t, "infinity"))
    return "a value is a finite number; leave the row out when nothing was measured";
  if (strchr(s, ' ') || strchr(s, '\t')) return "remove the spaces (fields are read exactly as written)";
  if (strchr(s, '%')) return "write the number without '%': the unit belongs to the indicator";
  if (strchr(s, ','))
    return "write the number without thousands separators, with '.' for decimals (or, when ',' separates thousands in "
           "every number of the file, import with --thousands ,)";
  if (strchr(s, '$') || strstr(s, "\xe2\x82\xac") || strstr(s, "\xc2\xa3"))
    return "write the number without a currency sign";
  return "write a number such as 42, -3 or 61.5";
}

/* The indicator a row names, or NULL after reporting why not. */
static const Decl *row_indicator(Import *im, uint32_t file, const CsvField *f) {
  Loc loc = field_loc(file, f);
  if (f->n == 0) {
    diag_add(&im->diags, SEV_ERROR, loc, NULL, "the indicator is empty: name a declared indicator");
    return NULL;
  }
  const Decl *d = strmap_getn(&im->p->ids, f->s, f->n);
  if (!d && spaced(im, file, f, "indicator")) return NULL;
  if (!d) {
    const char *hint = strmap_getn(&im->unknown, f->s, f->n);
    if (!hint) {
      hint = suggest_best(f->s, im->inds, im->ninds);
      char *key = arena_strndup(&im->arena, f->s, f->n);
      strmap_put(&im->unknown, key, (void *)(hint ? hint : ""));
      if (!hint) hint = "";
    }
    if (*hint)
      diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a declared indicator; did you mean '%s'?", shown(im, f), hint);
    else
      diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a declared indicator: the program declares no indicator of that id", shown(im, f));
    return NULL;
  }
  if (d->kind != D_INDICATOR) {
    diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is %s %s, not an indicator", shown(im, f),
             ast_article(ast_kind_name(d->kind)), ast_kind_name(d->kind));
    return NULL;
  }
  if (indicator_view(d)->formula) {
    diag_add(&im->diags, SEV_ERROR, loc, NULL,
             "'%s' is computed by its formula, so it takes no data: import the indicators its formula names", shown(im, f));
    return NULL;
  }
  if (indicator_view(d)->rolls_up) {
    diag_add(&im->diags, SEV_ERROR, loc, NULL,
             "'%s' rolls up '%s' of the member coalitions, so it takes no data: import each member's rows for '%s' "
             "with that member's own program",
             shown(im, f), indicator_view(d)->rolls_up->id, indicator_view(d)->rolls_up->id);
    return NULL;
  }
  return d;
}

/* Checks dimension and group; sets r->dim and r->grp. */
static bool row_group(Import *im, uint32_t file, Row *r, const CsvField *df, const CsvField *gf, int *g_out) {
  *g_out = -1;
  size_t dn = df ? df->n : 0, gn = gf ? gf->n : 0;
  r->dim = NULL;
  r->grp = "";
  if (!dn && !gn) return true;
  if (!dn) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, gf), NULL,
             "group '%s' has no dimension: name its dimension in the dimension column, or leave both empty for the whole population",
             shown(im, gf));
    return false;
  }
  if (!gn) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, df), NULL,
             "dimension '%s' has no group: name the group in the group column, or leave both empty for the whole population",
             shown(im, df));
    return false;
  }
  const AttrVals *dis = indicator_view(r->ind)->disaggregate;
  for (int i = 0; i < dis->n; i++)
    if (dis->vals[i].ref && strcmp(dis->vals[i].ref->id, df->s) == 0) r->dim = dis->vals[i].ref;
  if (!r->dim) {
    const Decl *d = strmap_getn(&im->p->ids, df->s, df->n);
    Loc loc = field_loc(file, df);
    if (spaced(im, file, df, "dimension")) return false;
    if (d && d->kind == D_DIMENSION)
      diag_add(&im->diags, SEV_ERROR, loc, NULL,
               "indicator '%s' is not disaggregated by '%s': add it to the indicator's disaggregate list, or leave dimension and group empty",
               r->ind->id, shown(im, df));
    else if (dis->n) {
      const char **names = arena_alloc(&im->arena, (size_t)dis->n * sizeof *names);
      Buf list = {0};
      for (int i = 0; i < dis->n; i++) {
        names[i] = dis->vals[i].ref ? dis->vals[i].ref->id : "";
        buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
      }
      const char *best = suggest_best(df->s, names, dis->n);
      Diag *g = best ? diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a dimension of indicator '%s'; did you mean '%s'?", shown(im, df), r->ind->id, best)
                     : diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a dimension of indicator '%s'", shown(im, df), r->ind->id);
      diag_note_noloc(&im->diags, g, "'%s' is disaggregated by %s", r->ind->id, buf_str(&list));
      buf_free(&list);
    } else if (d && d->kind == D_DIMENSION)
      diag_add(&im->diags, SEV_ERROR, loc, NULL,
               "indicator '%s' is not disaggregated: leave dimension and group empty, or add 'disaggregate %s' to it",
               r->ind->id, shown(im, df));
    else
      diag_add(&im->diags, SEV_ERROR, loc, NULL,
               "indicator '%s' is not disaggregated, and the program declares no dimension '%s': leave dimension and group empty",
               r->ind->id, shown(im, df));
    return false;
  }
  const AttrVals *groups = decl_attr(r->dim, AT_DIMENSION_GROUPS);
  for (int i = 0; i < groups->n; i++)
    if (groups->vals[i].str[0] == gf->s[0] && strcmp(groups->vals[i].str, gf->s) == 0) {
      r->grp = groups->vals[i].str;
      *g_out = i;
      return true;
    }
  if (spaced(im, file, gf, "group")) return false;
  const char **names = arena_alloc(&im->arena, (size_t)(groups->n + 1) * sizeof *names);
  Buf list = {0};
  for (int i = 0; i < groups->n; i++) {
    names[i] = groups->vals[i].str;
    buf_printf(&list, "%s'%s'", i ? ", " : "", names[i]);
  }
  const char *best = suggest_best(gf->s, names, groups->n);
  if (!best)
    for (int i = 0; i < groups->n; i++)
      if (strcasecmp(names[i], gf->s) == 0) best = names[i];
  Loc loc = field_loc(file, gf);
  Diag *g = best ? diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a group of %s; did you mean '%s'?", shown(im, gf), r->dim->id, best)
                 : diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a group of %s", shown(im, gf), r->dim->id);
  diag_note_noloc(&im->diags, g, "%s's groups are %s", r->dim->id, buf_str(&list));
  buf_free(&list);
  return false;
}

/* The column a header name is (names match whatever their case, spaces
 * around them aside), or NCOLS. */
static int column_named(const CsvField *f, const char **name, size_t *len) {
  const char *t = f->s;
  size_t n = f->n;
  while (n && (*t == ' ' || *t == '\t')) t++, n--;
  while (n && (t[n - 1] == ' ' || t[n - 1] == '\t')) n--;
  *name = t;
  *len = n;
  for (int c = 0; c < NCOLS; c++)
    if (strlen(col_names[c]) == n && strncasecmp(col_names[c], t, n) == 0) return c;
  return NCOLS;
}

/* Maps the header's names to columns; false (reported) when unusable.
 * Columns charter does not read are ignored with one warning naming them;
 * empty names at the end of the header (a spreadsheet's trailing commas)
 * are ignored without one. */
static bool read_header(Import *im, uint32_t file, CsvReader *rd, int col_of[NCOLS]) {
  bool ok = true;
  for (int c = 0; c < NCOLS; c++) col_of[c] = -1;
  int named = 0; /* one past the last field with a name */
  for (int i = 0; i < rd->nfields; i++) {
    const char *t;
    size_t n;
    column_named(&rd->fields[i], &t, &n);
    if (n) named = i + 1;
  }
  Buf unknown = {0};
  size_t last_sep = 0; /* where the ", " before the last name is */
  int nunknown = 0, first_unknown = -1;
  const char *meant[NCOLS] = {0}; /* an unknown name that suggests the column */
  for (int i = 0; i < named; i++) {
    const CsvField *f = &rd->fields[i];
    const char *t;
    size_t n;
    int c = column_named(f, &t, &n);
    Loc loc = field_loc(file, f);
    if (c < NCOLS && col_of[c] >= 0) {
      Diag *g = diag_add(&im->diags, SEV_ERROR, loc, NULL, "column '%s' is named twice", shown(im, f));
      diag_note(&im->diags, g, field_loc(file, &rd->fields[col_of[c]]), "it is first named here");
      ok = false;
      continue;
    }
    if (c < NCOLS) {
      col_of[c] = i;
      continue;
    }
    if (strchr(f->s, ';') || strchr(f->s, '\t')) {
      diag_add(&im->diags, SEV_ERROR, loc, NULL,
               "the columns are separated by %s, but a CSV file separates them by commas: save it as \"CSV (comma delimited)\", "
               "or replace each %s between columns with a comma",
               strchr(f->s, ';') ? "semicolons" : "tabs", strchr(f->s, ';') ? "semicolon" : "tab");
      ok = false;
      continue;
    }
    if (first_unknown < 0) first_unknown = i;
    nunknown++;
    CsvField tf = {.s = t, .n = n};
    char *lower = arena_strndup(&im->arena, t, n);
    for (char *q = lower; *q; q++)
      if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
    const char *best = n ? suggest_best(lower, col_names, NCOLS) : NULL;
    if (!best && strcmp(lower, "grp") == 0) best = "group";
    if (nunknown > 1) last_sep = unknown.len;
    buf_puts(&unknown, nunknown > 1 ? ", " : "");
    if (n == 0) buf_printf(&unknown, "column %d (no name)", i + 1);
    else buf_printf(&unknown, "%s'%s'", nunknown == 1 ? "column " : "", shown(im, &tf));
    if (best) {
      buf_printf(&unknown, " (did you mean '%s'?)", best);
      for (int k = 0; k < NCOLS; k++)
        if (col_names[k] == best && !meant[k]) meant[k] = shown(im, &tf);
    }
  }
  bool none = true; /* no column charter reads: the first line is not a header */
  for (int c = 0; c < NCOLS; c++)
    if (col_of[c] >= 0) none = false;
  if (none && ok) {
    const CsvField *last = &rd->fields[rd->nfields - 1];
    diag_add(&im->diags, SEV_ERROR, (Loc){file, rd->rec_off, last->end > rd->rec_off ? last->end : rd->rec_off + 1}, NULL,
             "the first line names none of the columns charter reads: it is the header, naming the columns, as in "
             "indicator,period,value");
    buf_free(&unknown);
    return false;
  }
  if (nunknown > 1) { /* "column 'A', 'B', 'C'" -> "'A', 'B' and 'C'" */
    Buf list = {0};
    const char *u = buf_str(&unknown);
    size_t skip = strncmp(u, "column '", 8) == 0 ? 7 : 0;
    buf_add(&list, u + skip, last_sep - skip);
    buf_puts(&list, " and ");
    buf_puts(&list, u + last_sep + 2);
    buf_free(&unknown);
    unknown = list;
  }
  if (nunknown) {
    const CsvField *f = &rd->fields[first_unknown];
    if (nunknown == 1)
      diag_add(&im->diags, SEV_WARNING, field_loc(file, f), NULL,
               "%s is ignored: charter reads indicator, period, value, dimension, group, source, note, numerator, "
               "denominator and flag",
               buf_str(&unknown));
    else
      diag_add(&im->diags, SEV_WARNING, field_loc(file, f), NULL,
               "%d columns are ignored: %s; charter reads indicator, period, value, dimension, group, source, note, numerator, "
               "denominator and flag",
               nunknown, buf_str(&unknown));
  }
  buf_free(&unknown);
  im->named = named;
  im->need = 0;
  for (int c = 0; c < NCOLS; c++)
    if (col_of[c] + 1 > im->need) im->need = col_of[c] + 1;
  for (int c = COL_NUMERATOR; c <= COL_DENOMINATOR; c++) {
    int other = c == COL_NUMERATOR ? COL_DENOMINATOR : COL_NUMERATOR;
    if (ok && col_of[c] >= 0 && col_of[other] < 0) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, &rd->fields[col_of[c]]), NULL,
               "the header has a '%s' column but no '%s' column: they go together", col_names[c], col_names[other]);
      ok = false;
    }
  }
  bool counts = col_of[COL_NUMERATOR] >= 0 && col_of[COL_DENOMINATOR] >= 0;
  for (int c = 0; c < NCOLS; c++)
    if ((col_required[c] || (c == COL_VALUE && !counts)) && col_of[c] < 0 && ok) {
      const CsvField *last = &rd->fields[rd->nfields - 1];
      Diag *g = diag_add(&im->diags, SEV_ERROR, (Loc){file, rd->rec_off, last->end > rd->rec_off ? last->end : rd->rec_off + 1}, NULL,
                         "the header has no '%s' column: every file needs indicator, period and value columns%s", col_names[c],
                         c == COL_VALUE ? " (or numerator and denominator for values computed from counts)" : "");
      if (meant[c]) diag_note_noloc(&im->diags, g, "if the column '%s' holds it, rename it '%s'", meant[c], col_names[c]);
      ok = false;
    }
  if (ok && col_of[COL_DIMENSION] >= 0 && col_of[COL_GROUP] < 0) {
    Diag *g = diag_add(&im->diags, SEV_ERROR, field_loc(file, &rd->fields[col_of[COL_DIMENSION]]), NULL,
                       "the header has a 'dimension' column but no 'group' column: they go together");
    if (meant[COL_GROUP]) diag_note_noloc(&im->diags, g, "if the column '%s' holds it, rename it 'group'", meant[COL_GROUP]);
    ok = false;
  }
  if (ok && col_of[COL_GROUP] >= 0 && col_of[COL_DIMENSION] < 0) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, &rd->fields[col_of[COL_GROUP]]), NULL,
             "the header has a 'group' column but no 'dimension' column: they go together");
    ok = false;
  }
  return ok;
}

/* A field's text, valid until the next record is read. */
static const char *field_text(const CsvReader *rd, int col, uint32_t *len) {
  *len = 0;
  if (col < 0 || rd->fields[col].n == 0) return "";
  *len = (uint32_t)rd->fields[col].n;
  return rd->fields[col].s;
}

/* The checks of a whole file, then its header; false (reported) when its
 * rows cannot be read. */
static bool read_start(Import *im, uint32_t file, CsvReader *rd, int col_of[NCOLS]) {
  if (rd->err == CSV_TOO_LARGE) {
    diag_add(&im->diags, SEV_ERROR, (Loc){file, 0, 1}, NULL, "%s", csv_error_text(rd->err));
    return false;
  }
  if (!csv_next(rd)) {
    diag_add(&im->diags, SEV_ERROR, (Loc){file, 0, 0}, NULL,
             "the file is empty: its first line names the columns, as in indicator,period,value");
    return false;
  }
  if (rd->err != CSV_OK) {
    diag_add(&im->diags, SEV_ERROR, (Loc){file, rd->err_off, rd->err_off + 1}, NULL, "%s", csv_error_text(rd->err));
    return false;
  }
  for (int i = 0; i < rd->nfields; i++) {
    const char *cr = memchr(rd->fields[i].s, '\r', rd->fields[i].n);
    if (cr && !rd->fields[i].quoted) {
      uint32_t at = rd->fields[i].off + (uint32_t)(cr - rd->fields[i].s);
      diag_add(&im->diags, SEV_ERROR, (Loc){file, at, at + 1}, NULL,
               "this file's lines end in a carriage return alone (an old Mac format): save it with LF or CRLF line ends");
      return false;
    }
  }
  return read_header(im, file, rd, col_of);
}

/* True when s[0..n) groups its digits by three with sep, as in 1,234,567.8
 * (a sign before, a fraction after). */
static bool thousands_grouped(const char *s, size_t n, char sep) {
  size_t i = 0, run = 0;
  bool grouped = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  for (; i < n && s[i] != '.'; i++) {
    if (s[i] == sep) {
      if (run == 0 || run > 3 || (grouped && run != 3)) return false;
      grouped = true;
      run = 0;
    } else if (s[i] >= '0' && s[i] <= '9')
      run++;
    else
      return false;
  }
  if (grouped && run != 3) return false;
  return !memchr(s + i, sep, n - i);
}

/* Reads a number field as the options allow: 1,234 with --thousands, and
 * (pct: the indicator's unit is "%") 45% as 45. On failure *why is the
 * whole message, or NULL for the usual hint. */
static bool read_number(Import *im, const CsvField *f, bool pct, double *out, const char **why) {
  const char *s = f->s;
  size_t n = f->n;
  char tmp[128];
  *why = NULL;
  if (pct && n > 1 && s[n - 1] == '%') n--;
  char sep = im->opt.thousands;
  bool strip = sep && memchr(s, sep, n);
  if (strip && !thousands_grouped(s, n, sep)) {
    *why = arena_printf(&im->arena,
                        "'%s' is not a number: with --thousands %c, a '%c' separates groups of three digits, as in 1%c234%c567.5",
                        shown(im, f), sep, sep, sep, sep);
    return false;
  }
  if (n == f->n && !strip) return parse_value(s, n, out, why);
  if (n >= sizeof tmp) return parse_value(f->s, f->n, out, why);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!strip || s[i] != sep) tmp[k++] = s[i];
  tmp[k] = '\0';
  return parse_value(tmp, k, out, why);
}

/* Reports a number field that is not a number (what: "value", "numerator"…). */
static void not_a_number(Import *im, uint32_t file, const CsvField *f, const char *why) {
  if (why)
    diag_add(&im->diags, SEV_ERROR, field_loc(file, f), NULL, "%s", why);
  else
    diag_add(&im->diags, SEV_ERROR, field_loc(file, f), NULL, "'%s' is not a number: %s", shown(im, f), value_hint(f->s));
}

/* Reads a count (numerator, or with den the denominator): a number at
 * least 0, a denominator above 0. False (reported) when it is not. */
static bool parse_count(Import *im, uint32_t file, const CsvField *f, bool den, double *out) {
  const char *why;
  if (!read_number(im, f, false, out, &why)) {
    not_a_number(im, file, f, why);
    return false;
  }
  if (*out < 0 || (den && *out == 0)) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, f), NULL, "%s",
             den ? "the denominator must be above 0: it counts those the rate is of (live births, students tested)"
                 : "the numerator is a count, at least 0");
    return false;
  }
  return true;
}

/* The step of the last digit a number is written to: 0.1 for 6.9, 1 for
 * 7, 100 for 1.2e3. */
static double written_step(const char *s, size_t n) {
  int frac = 0, exp = 0;
  size_t i = 0;
  while (i < n && s[i] != '.' && s[i] != 'e' && s[i] != 'E') i++;
  if (i < n && s[i] == '.')
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) frac++;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) exp = atoi(s + i + 1 < s + n ? s + i + 1 : "0");
  return pow(10, exp - frac);
}

/* v for a message: its written text when f gives one, else up to four
 * decimals. */
static const char *num_shown(Import *im, const CsvField *f, double v) {
  if (f && f->n) return shown(im, f);
  char *t = arena_printf(&im->arena, "%.4f", v), *e = t + strlen(t) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  return t;
}

/* "812 / 117000 * 1000", for messages. */
static const char *counts_text(Import *im, const CsvField *nf, const CsvField *df, double scale) {
  if (scale == 1) return arena_printf(&im->arena, "%s / %s", shown(im, nf), shown(im, df));
  return arena_printf(&im->arena, "%s / %s * %s", shown(im, nf), shown(im, df), num_shown(im, NULL, scale));
}

/* Checks the value against the indicator's bounds (IndicatorView lo..hi):
 * false (reported) when outside, at vf when the value was given, else at
 * the numerator nf. */
static bool in_bounds(Import *im, uint32_t file, const Row *r, const CsvField *vf, const CsvField *nf, const CsvField *df) {
  const IndicatorView *v = indicator_view(r->ind);
  double x = r->value;
  if (isnan(x) || (x >= v->lo && x <= v->hi)) return true;
  bool given = vf && vf->n;
  const CsvField *f = given ? vf : nf;
  const char *text = given ? shown(im, vf)
                           : arena_printf(&im->arena, "%s = %s", counts_text(im, nf, df, v->scale), num_shown(im, NULL, x));
  const char *lo = num_shown(im, NULL, v->lo), *hi = num_shown(im, NULL, v->hi);
  bool pct = is_pct(v);
  Buf b = {0};
  if (v->has_range)
    buf_printf(&b, "%s is outside the range of '%s', %s to %s", text, r->ind->id, isinf(v->lo) ? "any" : lo, isinf(v->hi) ? "any" : hi);
  else if (pct)
    buf_printf(&b, "%s is %s: '%s' is a percentage (unit \"%%\"), 0 to 100", text, x > v->hi ? "above 100" : "below 0", r->ind->id);
  else if (v->has_scale && x < v->lo && v->lo == 0)
    buf_printf(&b, "%s is below 0: '%s' is a rate per %s, at least 0", text, r->ind->id, num_shown(im, NULL, v->scale));
  else
    buf_printf(&b, "%s is outside the values '%s' takes, %s to %s", text, r->ind->id, isinf(v->lo) ? "any" : lo,
               isinf(v->hi) ? "any" : hi);
  if (pct && fabs(x) <= 1 && x * 100 >= v->lo && x * 100 <= v->hi)
    buf_printf(&b, "; %s looks like a fraction: in a %% indicator write %s", num_shown(im, NULL, x), num_shown(im, NULL, x * 100));
  else
    buf_puts(&b, "; check the figure, or the indicator's unit");
  diag_add(&im->diags, SEV_ERROR, field_loc(file, f), NULL, "%s", buf_str(&b));
  buf_free(&b);
  return false;
}

/* Reads the flag column into r->flags; false (reported) on a word charter
 * does not know. */
static bool row_flags(Import *im, uint32_t file, const CsvField *ff, Row *r) {
  r->flags = 0;
  if (!ff || !ff->n) return true;
  const char *bad;
  size_t badlen;
  if (obs_flags_parse(ff->s, ff->n, &r->flags, &bad, &badlen)) return true;
  char *word = arena_strndup(&im->arena, bad, badlen);
  const char *best = suggest_best(word, obs_flag_names, OBS_FLAG_COUNT);
  CsvField wf = {.s = word, .n = badlen};
  uint32_t at = ff->quoted ? ff->off : ff->off + (uint32_t)(bad - ff->s);
  Loc loc = {file, at, at + (ff->quoted ? (uint32_t)(ff->end - ff->off) : (uint32_t)badlen)};
  if (best)
    diag_add(&im->diags, SEV_ERROR, loc, NULL, "'%s' is not a flag; did you mean '%s'?", shown(im, &wf), best);
  else
    diag_add(&im->diags, SEV_ERROR, loc, NULL,
             "'%s' is not a flag: the flags are provisional, estimated, unstable, suppressed and break, several separated by ';'",
             shown(im, &wf));
  return false;
}

/* Checks a row's value, counts and flags (docs/measurement.md, "Values,
 * counts and scale", "Flags", "Bounds"); sets r->value, r->num, r->den,
 * r->flags and where the value is, for later messages. */
static bool row_measure(Import *im, uint32_t file, const CsvReader *rd, const int col_of[NCOLS], Row *r) {
  const CsvField *vf = col_of[COL_VALUE] >= 0 ? &rd->fields[col_of[COL_VALUE]] : NULL;
  const CsvField *nf = col_of[COL_NUMERATOR] >= 0 ? &rd->fields[col_of[COL_NUMERATOR]] : NULL;
  const CsvField *df = col_of[COL_DENOMINATOR] >= 0 ? &rd->fields[col_of[COL_DENOMINATOR]] : NULL;
  const CsvField *ff = col_of[COL_FLAG] >= 0 ? &rd->fields[col_of[COL_FLAG]] : NULL;
  bool has_v = vf && vf->n, has_n = nf && nf->n, has_d = df && df->n;
  r->num = r->den = NAN;
  r->value = NAN;
  const CsvField *at = has_v || !nf ? vf : nf; /* where the value is (or would be) */
  r->val_off = at->off;
  r->val_end = at->end > at->off ? at->end : at->off + 1;
  if (!row_flags(im, file, ff, r)) {
    /* the value is still checked, for its own errors */
    const char *why;
    double v;
    if (has_v && !read_number(im, vf, false, &v, &why)) not_a_number(im, file, vf, why);
    return false;
  }
  if (r->flags & OBS_SUPPRESSED) {
    if (has_v) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, vf), NULL,
               "this row is flagged suppressed: its source withheld the value, so leave the value empty "
               "(charter never stores a withheld value, not even as 0)");
      return false;
    }
    if (has_n || has_d) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, has_n ? nf : df), NULL,
               "this row is flagged suppressed: its source withheld the counts with the value, so leave numerator and denominator empty");
      return false;
    }
    return true;
  }
  if (has_n != has_d) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, has_n ? nf : df), NULL,
             "a %s needs its %s: give both counts (the value is numerator / denominator), or neither",
             has_n ? "numerator" : "denominator", has_n ? "denominator" : "numerator");
    return false;
  }
  const char *why = NULL;
  if (!has_v && !has_n) {
    if (vf)
      diag_add(&im->diags, SEV_ERROR, field_loc(file, vf), NULL, "%s",
               nf ? "the value is empty: write a number or both counts, or leave the row out when nothing was measured"
                  : "the value is empty: write a number, or leave the row out when nothing was measured");
    else
      diag_add(&im->diags, SEV_ERROR, field_loc(file, nf), NULL,
               "the numerator and denominator are empty: write both counts, or leave the row out when nothing was measured");
    return false;
  }
  bool ok = true;
  const IndicatorView *iv = r->ind ? indicator_view(r->ind) : NULL;
  bool pct = iv && is_pct(iv);
  if (has_v && !pct && iv && vf->n > 1 && vf->s[vf->n - 1] == '%' && !strchr(vf->s, ' ')) {
    double v;
    CsvField bare = *vf;
    bare.n--;
    if (read_number(im, &bare, false, &v, &why)) {
      if (iv->unit)
        diag_add(&im->diags, SEV_ERROR, field_loc(file, vf), NULL,
                 "'%s' has a '%%' sign, but '%s' is counted in %s, not %%: write the number alone", shown(im, vf), r->ind->id,
                 iv->unit);
      else
        diag_add(&im->diags, SEV_ERROR, field_loc(file, vf), NULL,
                 "'%s' has a '%%' sign, but '%s' has no unit \"%%\": write the number alone", shown(im, vf), r->ind->id);
      return false;
    }
  }
  if (has_v && !read_number(im, vf, pct, &r->value, &why)) {
    not_a_number(im, file, vf, why);
    ok = false;
  }
  if (has_n && !(parse_count(im, file, nf, false, &r->num) & parse_count(im, file, df, true, &r->den))) ok = false;
  if (!ok || !r->ind) return false; /* without an indicator, no scale or bounds */
  if (has_n) {
    double scale = indicator_view(r->ind)->scale, computed = r->num / r->den * scale;
    if (!has_v)
      r->value = computed;
    else if (fabs(computed - r->value) > written_step(vf->s, vf->n) / 2 * (1 + 1e-9)) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, vf), NULL,
               "the value %s does not agree with its counts: %s is %s; correct the value or the counts, or leave the value empty "
               "to have it computed",
               shown(im, vf), counts_text(im, nf, df, scale), num_shown(im, NULL, computed));
      return false;
    }
    if (!isfinite(r->value)) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, nf), NULL, "the value these counts give is too large to store");
      return false;
    }
  }
  return in_bounds(im, file, r, vf, nf, df);
}

/* A day written D/M/YYYY or M/D/YYYY (as order says; '.' or '-' for '/'
 * too) or YYYY/MM/DD, into *p: what --date-order reads. */
static bool read_date(const char *s, size_t n, ImportDateOrder order, Period *p) {
  int v[3], len[3];
  char sep = 0;
  size_t i = 0;
  for (int k = 0; k < 3; k++) {
    size_t j = i;
    int x = 0;
    while (j < n && j - i < 5 && s[j] >= '0' && s[j] <= '9') x = x * 10 + (s[j++] - '0');
    if (j == i || j - i > 4) return false;
    v[k] = x;
    len[k] = (int)(j - i);
    i = j;
    if (k == 2) break;
    if (i >= n || !strchr("/.-", s[i]) || (sep && s[i] != sep)) return false;
    sep = s[i++];
  }
  if (i != n) return false;
  int y, m, d;
  if (len[0] == 4 && len[1] <= 2 && len[2] <= 2)
    y = v[0], m = v[1], d = v[2];
  else if (len[0] <= 2 && len[1] <= 2 && len[2] == 4 && order != IMPORT_DATES_ISO)
    y = v[2], m = order == IMPORT_DATES_MDY ? v[0] : v[1], d = order == IMPORT_DATES_MDY ? v[1] : v[0];
  else
    return false;
  if (m < 1 || m > 12 || d < 1 || d > period_days_in_month(y, m)) return false;
  *p = (Period){.kind = PER_DAY, .year = (int16_t)y, .month = (uint8_t)m, .day = (uint8_t)d};
  return true;
}

/* Checks a row's period, value, counts, flags, source and note; sets
 * r->per, r->end and what row_measure sets. */
static bool row_values(Import *im, uint32_t file, const CsvReader *rd, const int col_of[NCOLS], Row *r) {
  bool ok = true;
  const CsvField *pf = &rd->fields[col_of[COL_PERIOD]];
  char why_text[PERIOD_WHY_MAX];
  const char *why = why_text;
  if (pf->n == 0) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, pf), NULL, "the period is empty: write 2027, 2027-Q2, 2027-06 or 2027-06-30");
    ok = false;
  } else if (!period_parse(pf->s, pf->n, &r->per, why_text) &&
             !(im->opt.dates != IMPORT_DATES_ISO && read_date(pf->s, pf->n, im->opt.dates, &r->per))) {
    if (!spaced(im, file, pf, "period")) {
      if (pf->n == 7 && pf->s[4] == '-' && pf->s[5] == 'q')
        why = "write the quarter with a capital Q, as in 2027-Q2";
      Diag *g = diag_add(&im->diags, SEV_ERROR, field_loc(file, pf), NULL, "'%s' is not a valid period: %s", shown(im, pf), why);
      Period tmp;
      bool mdy = read_date(pf->s, pf->n, IMPORT_DATES_MDY, &tmp), dmy = read_date(pf->s, pf->n, IMPORT_DATES_DMY, &tmp);
      if (im->opt.dates == IMPORT_DATES_ISO && (mdy || dmy))
        diag_note_noloc(&im->diags, g, "if the export cannot be changed, import with %s",
                        mdy && dmy ? "--date-order mdy (month first) or --date-order dmy (day first)"
                        : mdy      ? "--date-order mdy, which reads dates written month first"
                                   : "--date-order dmy, which reads dates written day first");
    }
    ok = false;
  } else {
    period_apply_calendar(&r->per, program_calendar(im->p)); /* a school or fiscal year ends in the charter's month */
    r->end = period_last_day(r->per);
  }
  if (!row_measure(im, file, rd, col_of, r)) ok = false;
  for (int c = COL_SOURCE; c <= COL_NOTE; c++) {
    const CsvField *tf = col_of[c] >= 0 ? &rd->fields[col_of[c]] : NULL;
    if (tf && !valid_utf8(tf->s, tf->n)) {
      diag_add(&im->diags, SEV_ERROR, field_loc(file, tf), NULL,
               "the %s is not UTF-8 text: save the file as UTF-8 (in Excel: \"CSV UTF-8\")", col_names[c]);
      ok = false;
    }
  }
  return ok;
}

/* The indicator of the previous row, kept while rows repeat its name. */
typedef struct LastInd {
  const Decl *ind;  /* the indicator, or NULL */
  const char *name; /* its id, or NULL */
} LastInd;

/* True when a row has no value, no counts and no 'suppressed' flag:
 * nothing was measured, and it is skipped. */
static bool no_measure(const CsvReader *rd, const int col_of[NCOLS]) {
  static const int cols[] = {COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR};
  for (int i = 0; i < 3; i++)
    if (col_of[cols[i]] >= 0 && rd->fields[col_of[cols[i]]].n) return false;
  if (col_of[COL_FLAG] < 0) return true;
  const CsvField *ff = &rd->fields[col_of[COL_FLAG]];
  unsigned flags = 0;
  const char *bad;
  size_t badlen;
  if (!ff->n) return true;
  if (!obs_flags_parse(ff->s, ff->n, &flags, &bad, &badlen)) return false; /* checked, for its error */
  return !(flags & OBS_SUPPRESSED);
}

/* The line (from 1) of byte off of src, at or after the last asked. */
static long line_at(Import *im, const Src *src, size_t off) {
  const char *t = src->text;
  while (im->line_pos < off) {
    const char *nl = memchr(t + im->line_pos, '\n', off - im->line_pos);
    if (!nl) {
      im->line_pos = off;
      break;
    }
    im->line++;
    im->line_pos = (size_t)(nl - t) + 1;
  }
  return im->line;
}

/* Adds the range being built to the list of skipped lines. */
static void skip_flush(Import *im) {
  if (im->skip_ranges < 8) {
    im->skip_range[im->skip_ranges][0] = im->skip_first;
    im->skip_range[im->skip_ranges][1] = im->skip_last;
  }
  im->skip_ranges++;
}

/* Counts a row without a value, for the file's one warning. */
static void note_skipped(Import *im, uint32_t file, const Src *src, const CsvReader *rd, const int col_of[NCOLS]) {
  long line = line_at(im, src, rd->rec_off);
  if (im->skipped++ == 0) {
    int c = col_of[COL_VALUE] >= 0 ? col_of[COL_VALUE] : col_of[COL_NUMERATOR];
    im->skip_loc = field_loc(file, &rd->fields[c]);
    im->skip_first = im->skip_last = line;
    return;
  }
  if (line == im->skip_last + 1) {
    im->skip_last = line;
    return;
  }
  skip_flush(im);
  im->skip_first = im->skip_last = line;
}

/* The file's warning about its rows without a value, if it had any. */
static void skip_warning(Import *im) {
  if (!im->skipped) return;
  skip_flush(im);
  int more = im->skip_ranges - 8, shown_ranges = more > 0 ? 8 : im->skip_ranges;
  Buf lines = {0};
  for (int i = 0; i < shown_ranges; i++) {
    buf_puts(&lines, i == 0 ? "" : i == shown_ranges - 1 && more <= 0 ? " and " : ", ");
    buf_printf(&lines, "%ld", im->skip_range[i][0]);
    if (im->skip_range[i][1] > im->skip_range[i][0]) buf_printf(&lines, "-%ld", im->skip_range[i][1]);
  }
  if (more > 0) buf_printf(&lines, " and %d more range%s", more, more == 1 ? "" : "s");
  Diag *g = diag_add(&im->diags, SEV_WARNING, im->skip_loc, NULL, "%ld row%s without a value %s skipped: line%s %s", im->skipped,
                     im->skipped == 1 ? "" : "s", im->skipped == 1 ? "was" : "were",
                     im->skipped == 1 && im->skip_range[0][0] == im->skip_range[0][1] ? "" : "s", buf_str(&lines));
  buf_free(&lines);
  diag_note_noloc(&im->diags, g,
                  "a row with no value, no counts and no 'suppressed' flag stores nothing (not 0): fill in its value to import it");
  im->skipped = 0;
  im->skip_ranges = 0;
}

static void row_done(Import *im, Row *r);

/* Checks one record of a file whose header is read; a valid row is
 * stored (row_done). */
static void check_record(Import *im, uint32_t file, const Src *src, const CsvReader *rd, const int col_of[NCOLS], int ncols,
                         LastInd *last) {
  if (rd->err != CSV_OK) {
    diag_add(&im->diags, SEV_ERROR, (Loc){file, rd->err_off, rd->err_off + 1}, NULL, "%s", csv_error_text(rd->err));
    return;
  }
  bool empty = true;
  int extra = -1; /* a field with text past the header's names */
  for (int i = 0; i < rd->nfields; i++) {
    if (rd->fields[i].n) empty = false;
    if (rd->fields[i].n && i >= im->named && extra < 0) extra = i;
  }
  if (empty) return; /* a row of empty cells, as a sheet's last rows often are */
  if (extra >= 0 && extra < ncols) {
    diag_add(&im->diags, SEV_ERROR, field_loc(file, &rd->fields[extra]), NULL,
             "column %d has no name in the header, but this row has '%s' in it: name the column in the header, or empty it",
             extra + 1, shown(im, &rd->fields[extra]));
    return;
  }
  if (rd->nfields < im->need || extra >= 0) {
    const CsvField *lastf = &rd->fields[rd->nfields - 1];
    Loc loc = extra >= 0 ? field_loc(file, &rd->fields[extra]) : (Loc){file, lastf->end, lastf->end + 1};
    diag_add(&im->diags, SEV_ERROR, loc, NULL, "this row has %d field%s but the header has %d: %s", rd->nfields,
             rd->nfields == 1 ? "" : "s", im->named,
             extra >= 0 ? "a comma too many, or a field with a comma that needs quotes?" : "a field is missing");
    return;
  }
  if (no_measure(rd, col_of)) {
    note_skipped(im, file, src, rd, col_of);
    return;
  }
  Row row;
  Row *r = &row;
  bool ok = true;
  int grp_index = -1;
  const CsvField *fi = &rd->fields[col_of[COL_INDICATOR]];
  if (last->name && strcmp(last->name, fi->s) == 0)
    r->ind = last->ind;
  else {
    r->ind = row_indicator(im, file, fi);
    last->ind = r->ind;
    last->name = r->ind ? r->ind->id : NULL;
  }
  if (!r->ind) ok = false;
  if (r->ind) {
    const CsvField *df = col_of[COL_DIMENSION] >= 0 ? &rd->fields[col_of[COL_DIMENSION]] : NULL;
    const CsvField *gf = col_of[COL_GROUP] >= 0 ? &rd->fields[col_of[COL_GROUP]] : NULL;
    if (!row_group(im, file, r, df, gf, &grp_index)) ok = false;
  }
  if (!row_values(im, file, rd, col_of, r)) ok = false;
  if (!ok) return;
  r->source = field_text(rd, col_of[COL_SOURCE], &r->source_len);
  r->note = field_text(rd, col_of[COL_NOTE], &r->note_len);
  r->period = field_text(rd, col_of[COL_PERIOD], &r->period_len);
  if (r->per.kind == PER_DAY && (r->period_len != 10 || r->period[4] != '-')) { /* read by --date-order: stored as ISO */
    period_text(r->per, r->iso);
    r->period = r->iso;
    r->period_len = (uint32_t)strlen(r->iso);
  }
  r->file = file;
  r->rec_off = rd->rec_off;
  r->rec_end = rd->fields[0].end > rd->rec_off ? rd->fields[0].end : rd->rec_off + 1;
  r->key = row_key(im, r, grp_index);
  row_done(im, r);
}

/* Drops the pages of a mapped file before off from memory (they are read
 * again from the file if a message needs them). */
static void drop_behind(Import *im, uint32_t file, size_t off, size_t *dropped) {
  static size_t page;
  if (!im->maps[file]) return;
  if (!page) page = (size_t)sysconf(_SC_PAGESIZE);
  off -= off % page;
  if (off < *dropped + ((size_t)8 << 20)) return;
  madvise(im->maps[file] + *dropped, off - *dropped, MADV_DONTNEED);
  *dropped = off;
}

/* Reads and checks every row of one file, storing each valid one. */
static void read_csv(Import *im, uint32_t file) {
  Src *src = src_get(&im->srcs, file);
  const unsigned char *u = (const unsigned char *)src->text;
  if (src->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
    diag_add(&im->diags, SEV_ERROR, (Loc){file, 0, 2}, NULL,
             "this file is UTF-16 text: save it as UTF-8 (in Excel: \"CSV UTF-8\")");
    return;
  }
  CsvReader rd;
  csv_init(&rd, src->text, src->len);
  int col_of[NCOLS];
  im->line_pos = 0;
  im->line = 1;
  if (read_start(im, file, &rd, col_of)) {
    int ncols = rd.nfields;
    LastInd last = {NULL, NULL};
    size_t base = im->bytes_done, dropped = 0;
    while (csv_next(&rd) && im->rc == STORE_OK) {
      check_record(im, file, src, &rd, col_of, ncols, &last);
      if ((++im->rows_read & 0xFFFF) == 0) {
        im->bytes_done = base + rd.pos;
        if (im->opt.progress) progress(im);
        drop_behind(im, file, rd.rec_off, &dropped);
      }
    }
    im->bytes_done = base + src->len;
    skip_warning(im);
  }
  csv_free(&rd);
}

/* ---- storing ---- */

static void utc_now(char out[32]) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A value with its counts and flags, for a conflict: "40", "40 from 20 /
 * 50, flagged estimated;unstable", "withheld, flagged suppressed". */
static const char *measure_text(Import *im, double value, double num, double den, unsigned flags) {
  char v[40], n[40], d[40], f[64];
  if (isnan(value)) snprintf(v, sizeof v, "withheld");
  else present_num_text(value, v);
  present_num_text(num, n);
  present_num_text(den, d);
  obs_flags_text(flags, f);
  return arena_printf(&im->arena, "%s%s%s%s%s%s%s", v, isnan(num) ? "" : " from ", isnan(num) ? "" : n, isnan(num) ? "" : " / ",
                      isnan(num) ? "" : d, flags ? ", flagged " : "", f);
}

/* Reports a row whose key the store holds with another value, counts or
 * flags. */
static void conflict(Import *im, const Row *r, const StoreStored *old) {
  const char *was = measure_text(im, old->value, old->numerator, old->denominator, old->flags);
  const char *now = measure_text(im, r->value, r->num, r->den, r->flags);
  char pt[16];
  period_text(r->per, pt);
  Diag *g = diag_add(&im->diags, SEV_ERROR, (Loc){r->file, r->val_off, r->val_end}, NULL,
                     "'%s', %s, period %s is already stored as %s, not %s", r->ind->id, who(&im->arena, r), pt, was,
                     now);
  if (old->period && strcmp(old->period, pt) != 0)
    diag_note_noloc(&im->diags, g, "it is stored for period %s, which ends on the same day", old->period);
  const char *coal = program_coalition(im->p);
  if (*coal)
    diag_note_noloc(&im->diags, g, "it was stored by import %lld, of '%s', for coalition '%s' (this program's network_id)",
                    (long long)old->import_id, old->file ? old->file : "?", coal);
  else
    diag_note_noloc(&im->diags, g, "it was stored by import %lld, of '%s'", (long long)old->import_id,
                    old->file ? old->file : "?");
  diag_note_noloc(&im->diags, g,
                  "to overwrite stored values with this file's, import again with --replace%s",
                  *coal ? " (only if this program is that coalition's: another program with the same network_id "
                          "shares its rows)"
                        : "");
}

/* ---- far from the series' median ---- */

/* True when v is more than 10 times above or below med (zero, and a sign
 * other than the median's, are not judged). */
static bool far_from(double v, double med) {
  double ratio = v / med;
  return !(isnan(ratio) || ratio <= 0 || (ratio <= 10 && ratio >= 0.1));
}

/* A slot for a Series key: its bits mixed (the low bits of a key vary
 * little). */
static size_t series_slot(uint64_t k, size_t cap) {
  k ^= k >> 33;
  k *= 0xFF51AFD7ED558CCDull;
  k ^= k >> 33;
  return (size_t)k & (cap - 1);
}

/* The entry of series key (row_key >> 22), added when add. */
static Series *series_at(Import *im, uint64_t key, bool add) {
  if (add && (im->nseries + 1) * 2 > im->capseries) { /* grow, keeping half the slots free */
    size_t cap = im->capseries ? im->capseries * 2 : 1024;
    Series *t = xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < im->capseries; i++) {
      if (!im->series[i].key) continue;
      size_t h = series_slot(im->series[i].key, cap);
      while (t[h].key) h = (h + 1) & (cap - 1);
      t[h] = im->series[i];
    }
    free(im->series);
    im->series = t;
    im->capseries = cap;
  }
  if (!im->capseries) return NULL;
  size_t h = series_slot(key + 1, im->capseries);
  while (im->series[h].key && im->series[h].key != key + 1) h = (h + 1) & (im->capseries - 1);
  if (im->series[h].key) return &im->series[h];
  if (!add) return NULL;
  im->series[h] = (Series){key + 1, NAN, NAN, NAN, NAN, NAN, 0};
  im->nseries++;
  return &im->series[h];
}

/* Notes a stored row's value in its series' extremes. */
static void series_note(Import *im, const Row *r) {
  if (isnan(r->value) || r->value == 0) return;
  Series *e = series_at(im, r->key >> 22, true);
  double v = r->value;
  if (v > 0) {
    if (!(v >= e->pos_lo)) e->pos_lo = v;
    if (!(v <= e->pos_hi)) e->pos_hi = v;
  } else {
    if (!(v >= e->neg_lo)) e->neg_lo = v;
    if (!(v <= e->neg_hi)) e->neg_hi = v;
  }
}

/* The k-th smallest of v[0..n) (Hoare's selection: linear on average;
 * v is reordered). */
static double select_kth(double *v, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = v[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        double t = v[i];
        v[i] = v[j], v[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

/* Reading one indicator's stored series, group by group. */
typedef struct MedianRead {
  Import *im;
  const Decl *ind;
  Series *cur;     /* the group being read, if this import stored rows of it */
  char *dim, *grp; /* its dimension and group (copies) */
  double *vals;    /* its values so far */
  size_t n, cap;
  bool far;        /* a row of the import is far from its median */
} MedianRead;

/* The median of the group read so far, into its Series entry: the values
 * stored for it (this import's among them) and, for the whole population,
 * the indicator's baseline and target; at least 3 values. */
static void median_flush(MedianRead *m) {
  Series *e = m->cur;
  m->cur = NULL;
  if (!e) return;
  const IndicatorView *v = indicator_view(m->ind);
  if (m->n + 2 > m->cap) m->vals = xrealloc(m->vals, (m->cap = m->n + 64) * sizeof *m->vals);
  size_t k = m->n;
  if (!*m->dim) {
    if (v->has_baseline) m->vals[k++] = v->baseline;
    if (v->has_target) m->vals[k++] = v->target;
  }
  if (k < 3) return;
  double upper = select_kth(m->vals, k, k / 2), med = upper;
  if (k % 2 == 0) { /* the mean of the two middle values: the lower is the largest below k / 2 */
    double lower = m->vals[0];
    for (size_t i = 1; i < k / 2; i++)
      if (m->vals[i] > lower) lower = m->vals[i];
    med = (lower + upper) / 2;
  }
  if (med == 0) return;
  e->median = med;
  e->values = k;
  if (far_from(e->pos_lo, med) || far_from(e->pos_hi, med) || far_from(e->neg_lo, med) || far_from(e->neg_hi, med))
    m->far = true;
}

static void median_obs(void *ctx, const StoreObs *o) {
  MedianRead *m = ctx;
  Import *im = m->im;
  if (!m->dim || strcmp(m->dim, o->dimension) != 0 || strcmp(m->grp, o->group) != 0) {
    median_flush(m);
    free(m->dim);
    free(m->grp);
    m->dim = xstrdup(o->dimension);
    m->grp = xstrdup(o->group);
    m->n = 0;
    uint64_t pair = 0;
    bool known = true;
    if (*o->dimension) {
      const Decl *d = strmap_get(&im->p->ids, o->dimension);
      known = false;
      if (d && d->kind == D_DIMENSION) {
        const AttrVals *g = decl_attr(d, AT_DIMENSION_GROUPS);
        for (int i = 0; i < g->n && !known; i++)
          if (strcmp(g->vals[i].str, o->group) == 0) pair = im->grp_rank[d->index][i], known = true;
      }
    }
    m->cur = known ? series_at(im, (uint64_t)im->ind_rank[m->ind->index] << 18 | pair, false) : NULL;
  }
  if (!m->cur || isnan(o->value)) return; /* a series the import did not touch, or withheld */
  if (m->n == m->cap) m->vals = xrealloc(m->vals, (m->cap = m->cap ? m->cap * 2 : 64) * sizeof *m->vals);
  m->vals[m->n++] = o->value;
}

/* Warns about a row whose value is more than 10 times from its series'
 * median (docs/measurement.md, "Bounds"), into the import's diagnostics
 * (the second reading's own are thrown away). */
static void median_check(Import *im, const Row *r) {
  Series *e = isnan(r->value) ? NULL : series_at(im, r->key >> 22, false);
  if (!e || isnan(e->median) || !far_from(r->value, e->median)) return;
  double med = e->median, ratio = r->value / med;
  bool pct = is_pct(indicator_view(r->ind));
  char val[40], m[40];
  present_num_text(r->value, val);
  present_num_text(med, m);
  Diag *g = diag_add(im->real, SEV_WARNING, (Loc){r->file, r->val_off, r->val_end}, NULL,
                     "%s is more than 10 times %s the median %s of '%s', %s (%zu values): check the figure", val,
                     ratio > 10 ? "above" : "below", m, r->ind->id, who(&im->arena, r), e->values);
  if (pct && fabs(r->value) <= 1 && fabs(r->value * 100 / med) <= 10 && fabs(r->value * 100 / med) >= 0.1) {
    char hundred[40];
    present_num_text(r->value * 100, hundred);
    diag_note_noloc(im->real, g, "%s looks like a fraction: in a %% indicator write %s", val, hundred);
  }
}

/* Reads every file again in pass (PASS_LOCATE, PASS_MEDIAN): row_done
 * sees the stored rows again; the diagnostics of the reading itself are
 * thrown away, what the pass finds goes to the import's. */
static void reread_files(Import *im, int pass, int first, int last) {
  DiagList real = im->diags;
  diag_init(&im->diags, &im->arena);
  im->real = &real;
  im->pass = pass;
  long rows = im->rows_read;
  size_t bytes = im->bytes_done;
  im->rows_read = 0;
  im->bytes_done = 0;
  for (int f = first; f < last; f++) read_csv(im, (uint32_t)f);
  if (pass == PASS_MERGE) im->rows_read = rows, im->bytes_done = bytes;
  im->pass = PASS_STORE;
  diag_free(&im->diags);
  im->diags = real;
  im->real = NULL;
}

static void reread(Import *im, int pass) { reread_files(im, pass, 0, im->nfiles); }

/* The median warnings: the median of every series the import stored rows
 * of, from the store (which holds them now, in the open transaction);
 * then, only when a row may be far from one, the files are read again to
 * find those rows and where they are. */
static StoreRc median_warnings(Import *im, Store *s) {
  MedianRead m = {.im = im};
  StoreRc rc = STORE_OK;
  bool far = false;
  for (int i = 0; i < im->p->decls.len && rc == STORE_OK; i++) {
    const Decl *d = im->p->decls.items[i];
    if (!im->touched[d->index]) continue;
    m.ind = d;
    rc = s->m->series(s, NULL, d->id, false, "9999-12-31", median_obs, &m);
    median_flush(&m);
    free(m.dim);
    free(m.grp);
    m.dim = m.grp = NULL;
    far |= m.far;
    m.far = false;
  }
  free(m.vals);
  if (rc != STORE_OK || !far) return rc;
  reread(im, PASS_MEDIAN);
  return STORE_OK;
}

static int cmp_pending(const void *a, const void *b) {
  const Pending *x = a, *y = b;
  return x->key != y->key ? (x->key < y->key ? -1 : 1) : (x->order > y->order) - (x->order < y->order);
}

/* Reports a row whose key an earlier row of this import has: at first
 * (a Loc's file << 32 | start) when known, else once PASS_LOCATE finds it. */
static void duplicate(Import *im, const Row *r, bool known, int64_t first) {
  char pt[16];
  period_text(r->per, pt);
  Diag *g = diag_add(&im->diags, SEV_ERROR, (Loc){r->file, r->rec_off, r->rec_end}, NULL,
                     "a second row for '%s', %s, period %s: one import holds one value per indicator, group and period",
                     r->ind->id, who(&im->arena, r), pt);
  if (known) {
    uint32_t ff = (uint32_t)(first >> 32), off = (uint32_t)first;
    diag_note(&im->diags, g, (Loc){ff, off, off + 1},
              "the first row for it is here (periods ending on the same day are the same period)");
    return;
  }
  if (im->npending == im->cappending)
    im->pending = xrealloc(im->pending, (im->cappending = im->cappending ? im->cappending * 2 : 16) * sizeof *im->pending);
  im->pending[im->npending] = (Pending){r->key, g, im->npending};
  im->npending++;
}

/* PASS_LOCATE: the first row of a key that has pending errors gives
 * them their note. */
static void locate_first(Import *im, const Row *r) {
  size_t lo = 0, hi = im->npending;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (im->pending[mid].key < r->key) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < im->npending && im->pending[lo].key == r->key && im->pending[lo].diag; lo++) {
    diag_note(im->real, im->pending[lo].diag, (Loc){r->file, r->rec_off, r->rec_off + 1},
              "the first row for it is here (periods ending on the same day are the same period)");
    im->pending[lo].diag = NULL; /* found */
  }
}

/* True when id is the import id of one of this import's files. */
static bool ours(const Import *im, int64_t id) {
  for (int f = 0; f < im->nfiles; f++)
    if (im->ids[f] == id) return true;
  return false;
}

/* A checked row: stored, unless an earlier row of this import has its key
 * (an error pointing at both); on a later reading, looked at by that
 * reading. A key the store did not hold is new to this import too; a key
 * it held is this import's when the import that stored it is, and
 * otherwise remembered, to meet a later row with it. */
static void settle(Import *im, const Row *r, StorePut put, const StoreStored *old);

/* PASS_MERGE: a row the file's merge reported is settled as if put had
 * said so, its diagnostics going to the import's. */
static void merged_row(Import *im, const Row *r) {
  int64_t at = (int64_t)r->file << 32 | r->rec_off;
  while (im->next < im->nmerged && im->merged[im->next].at < at) im->next++;
  if (im->next == im->nmerged || im->merged[im->next].at != at || im->rc != STORE_OK) return;
  const Merged *m = &im->merged[im->next++];
  StoreStored old = m->put == STORE_CONFLICT ? im->olds[m->old] : (StoreStored){.import_id = m->import_id};
  DiagList reading = im->diags;
  im->diags = *im->real;
  settle(im, r, (StorePut)m->put, &old);
  *im->real = im->diags;
  im->diags = reading;
}

/* Called by the engine's merge for each staged row it did not add. */
static void on_merged(void *ctx, int64_t at, StorePut put, const StoreStored *old) {
  Import *im = ctx;
  if (im->nmerged == im->capmerged)
    im->merged = xrealloc(im->merged, (im->capmerged = im->capmerged ? im->capmerged * 2 : 64) * sizeof *im->merged);
  Merged *m = &im->merged[im->nmerged++];
  *m = (Merged){at, old->import_id, (uint32_t)put, 0};
  if (put != STORE_CONFLICT) return;
  if (im->nolds == im->capolds)
    im->olds = xrealloc(im->olds, (im->capolds = im->capolds ? im->capolds * 2 : 16) * sizeof *im->olds);
  StoreStored *o = &im->olds[im->nolds];
  *o = *old;
  o->file = old->file ? arena_strdup(&im->arena, old->file) : NULL;
  o->period = old->period ? arena_strdup(&im->arena, old->period) : NULL;
  m->old = (uint32_t)im->nolds++;
}

/* After a file is read and staged: its merge, then the rows it did not
 * add settled by reading the file again. */
static void merge_file(Import *im, uint32_t file) {
  long staged = im->staged;
  im->staged = 0;
  if (im->rc != STORE_OK) return;
  im->nmerged = im->nolds = im->next = 0;
  Store *s = im->s;
  if ((im->rc = s->m->merge(s, im->ids[file], im->replace, on_merged, im)) != STORE_OK) return;
  im->per_file[file].added += staged - (long)im->nmerged;
  if (im->nmerged) reread_files(im, PASS_MERGE, (int)file, (int)file + 1);
}

static void row_done(Import *im, Row *r) {
  if (im->pass == PASS_MEDIAN) {
    median_check(im, r);
    return;
  }
  if (im->pass == PASS_LOCATE) {
    locate_first(im, r);
    return;
  }
  if (im->pass == PASS_MERGE) {
    merged_row(im, r);
    return;
  }
  if (im->rc != STORE_OK) return;
  char end[11];
  period_last_day_text(r->per, end);
  StoreRow row = {.indicator = r->ind->id, .dimension = r->dim ? r->dim->id : "", .group = r->grp,
                  .period = r->period, .period_len = r->period_len, .period_end = end, .value = r->value,
                  .numerator = r->num, .denominator = r->den, .flags = r->flags, .source = r->source, .source_len = r->source_len,
                  .note = r->note, .note_len = r->note_len};
  StorePut put;
  StoreStored old;
  Store *s = im->s;
  if (im->bulk) { /* settled after the file's merge */
    if ((im->rc = s->m->stage(s, &row, im->ids[r->file], (int64_t)r->file << 32 | r->rec_off)) != STORE_OK) return;
    im->staged++;
    im->touched[r->ind->index] = true;
    series_note(im, r);
    return;
  }
  if ((im->rc = s->m->put(s, &row, im->ids[r->file], im->replace, &put, &old)) != STORE_OK) return;
  settle(im, r, put, &old);
}

/* What a put (or a merge) said of a row: counted, or an error. */
static void settle(Import *im, const Row *r, StorePut put, const StoreStored *old) {
  Store *s = im->s;
  if (put != STORE_ADDED) {
    if (ours(im, old->import_id)) {
      duplicate(im, r, false, 0);
      return;
    }
    bool seen = false;
    int64_t first = 0;
    if ((im->rc = s->m->remember(s, r->key, (int64_t)r->file << 32 | r->rec_off, &seen, &first)) != STORE_OK) return;
    if (seen) {
      duplicate(im, r, true, first);
      return;
    }
  }
  ImportCounts *c = &im->per_file[r->file];
  switch (put) {
  case STORE_ADDED: c->added++; break;
  case STORE_REPLACED: c->replaced++; break;
  case STORE_UNCHANGED: c->unchanged++; break;
  case STORE_CONFLICT: conflict(im, r, old); break;
  }
  im->touched[r->ind->index] = true;
  series_note(im, r);
}

static StoreRc store_all(Import *im, Store *s, bool replace, ImportCounts *per_file, bool keep) {
  char at[32];
  utc_now(at);
  int nfiles = im->nfiles;
  im->s = s;
  im->replace = replace;
  im->per_file = per_file;
  im->ids = xcalloc((size_t)nfiles + 1, sizeof *im->ids);
  im->started = now_seconds();
  StoreRc rc = s->m->begin(s, true);
  for (int f = 0; f < nfiles && rc == STORE_OK; f++) rc = s->m->record_import(s, im->files[f], at, &im->ids[f]);
  im->rc = rc;
  im->bulk = s->m->stage && s->m->merge;
  for (int f = 0; f < nfiles && im->rc == STORE_OK; f++) {
    read_csv(im, (uint32_t)f);
    if (im->bulk) merge_file(im, (uint32_t)f);
  }
  rc = im->rc;
  if (rc == STORE_OK && im->npending) { /* duplicates of rows this import added: find their first rows */
    qsort(im->pending, im->npending, sizeof *im->pending, cmp_pending);
    reread(im, PASS_LOCATE);
  }
  free(im->pending);
  im->pending = NULL;
  im->npending = im->cappending = 0;
  /* a file that stored nothing leaves no trace */
  for (int f = 0; f < nfiles && rc == STORE_OK; f++)
    rc = s->m->finish_import(s, im->ids[f], per_file[f].added + per_file[f].replaced);
  if (rc == STORE_OK && im->diags.nerrors == 0) rc = median_warnings(im, s);
  if (im->opt.progress) progress_done(im);
  if (rc == STORE_OK && im->diags.nerrors == 0 && keep) rc = s->m->commit(s);
  if (rc != STORE_OK || im->diags.nerrors || !keep) s->m->rollback(s);
  free(im->ids);
  im->ids = NULL;
  im->s = NULL;
  free(im->merged), free(im->olds);
  im->merged = NULL, im->olds = NULL;
  im->nmerged = im->capmerged = im->nolds = im->capolds = 0;
  return rc;
}

StoreRc import_store(Import *im, Store *s, bool replace, ImportCounts *per_file) {
  return store_all(im, s, replace, per_file, true);
}

StoreRc import_try(Import *im, Store *s, bool replace, ImportCounts *per_file) {
  return store_all(im, s, replace, per_file, false);
}

/* ---- the engine's handle ---- */

Import *import_new(const Program *p) {
  Import *im = xcalloc(1, sizeof *im);
  im->p = p;
  arena_init(&im->arena);
  diag_init(&im->diags, &im->arena);
  strmap_init(&im->unknown);
  im->inds = xmalloc(((size_t)p->decls.len + 1) * sizeof *im->inds);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_INDICATOR && !indicator_view(d)->formula && !indicator_view(d)->rolls_up) im->inds[im->ninds++] = d->id;
  }
  im->touched = xcalloc((size_t)p->decls.len + 1, sizeof *im->touched);
  make_ranks(im);
  return im;
}

void import_set_options(Import *im, const ImportOptions *o) { im->opt = *o; }

/* Maps a file of 1 MiB or more read-only, followed by at least one zero
 * byte (an anonymous page behind it); NULL when it is smaller or cannot
 * be mapped (it is then read whole). *span is the mapping's length. */
static char *map_file(const char *path, size_t *len, size_t *span) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (1 << 20) || (uint64_t)st.st_size > UINT32_MAX - 1) {
    close(fd);
    return NULL;
  }
  size_t n = (size_t)st.st_size, page = (size_t)sysconf(_SC_PAGESIZE);
  *span = (n / page + 1) * page;
  char *base = mmap(NULL, *span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    close(fd);
    return NULL;
  }
  if (mmap(base, n, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    munmap(base, *span);
    close(fd);
    return NULL;
  }
  close(fd);
  *len = n;
  return base;
}

bool import_check(Import *im, char *const *files, int nfiles, char *err, size_t errlen) {
  im->files = files;
  im->nfiles = nfiles;
  im->maps = xcalloc((size_t)nfiles + 1, sizeof *im->maps);
  im->map_len = xcalloc((size_t)nfiles + 1, sizeof *im->map_len);
  for (int f = 0; f < nfiles; f++) {
    const char *why = NULL;
    size_t len = 0;
    char *text = map_file(files[f], &len, &im->map_len[f]);
    im->maps[f] = text;
    if (!text) text = src_read_file(files[f], &len, &why);
    if (!text) {
      snprintf(err, errlen, "cannot read '%s': %s", files[f], why);
      return false;
    }
    src_add(&im->srcs, files[f], NULL, text, len, im->maps[f] == NULL, false);
    im->bytes_all += len;
  }
  return true;
}

DiagList *import_diags(Import *im) { return &im->diags; }

SrcSet *import_srcs(Import *im) { return &im->srcs; }

void import_free(Import *im) {
  if (!im) return;
  free(im->ind_rank);
  if (im->grp_rank)
    for (int i = 0; i < im->p->decls.len + 1; i++) free(im->grp_rank[i]);
  free(im->grp_rank);
  free(im->inds);
  free(im->touched);
  free(im->series);
  strmap_free(&im->unknown);
  src_set_free(&im->srcs);
  for (int f = 0; f < im->nfiles && im->maps; f++)
    if (im->maps[f]) munmap(im->maps[f], im->map_len[f]);
  free(im->maps);
  free(im->map_len);
  diag_free(&im->diags);
  arena_free(&im->arena);
  free(im);
}
