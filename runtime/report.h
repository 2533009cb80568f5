/* The report (docs/report.md): a coalition's plan and results for funders,
 * boards, partners and residents, as one self-contained HTML page or as
 * markdown with its charts as SVG files. Built from a checked program
 * whose rules have run (their findings in p->diags), and an evaluation
 * with histories (EvalOptions.history) or none. Words charter writes go
 * through runtime/i18n.h in the language selected there. */
#ifndef CHARTER_REPORT_H
#define CHARTER_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "eval.h"
#include "model.h"
#include "util.h"

typedef enum ReportFormat { REPORT_HTML, REPORT_MD } ReportFormat;

typedef struct ReportOptions {
  ReportFormat format;
  bool internal;          /* --audience internal: ids and internal notes shown */
  const EvalResult *ev;   /* the evaluation (with histories), or NULL: no store */
  const char *chart_dir;  /* markdown: the folder its charts are linked under */
} ReportOptions;

/* A file written beside the markdown: a chart. */
typedef struct ReportFile {
  const char *name;       /* its name inside chart_dir ("kindergarten_ready.svg") */
  Buf data;
} ReportFile;

typedef struct Report {
  Buf text;               /* the page or the markdown */
  ReportFile *files;      /* markdown: the charts */
  int nfiles;
  Arena arena;            /* owns names and temporary text */
} Report;

/* Builds the report of p into *out (report_free frees it). */
void report_build(const Program *p, const ReportOptions *o, Report *out);
void report_free(Report *r);

#endif
