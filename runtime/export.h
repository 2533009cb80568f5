/* charter export (docs/export.md): the checked model, the rules' findings
 * and, with a store, the evaluation, as JSON for other tools (schema
 * docs/export.schema.json), as a Kumu blueprint for a system map, or as CSV
 * tables for spreadsheets. The engine writes into memory only: the command
 * line decides where the bytes go. The rules must have run (their findings
 * are read from p->diags) and the program must have no errors. */
#ifndef CHARTER_EXPORT_H
#define CHARTER_EXPORT_H

#include "eval.h"
#include "program.h"
#include "util.h"

/* The version of the JSON export's shape ("schema_version"). */
#define EXPORT_SCHEMA_VERSION 1

/* The whole model as JSON (docs/export.md, "JSON"); ev is the evaluation
 * under the disclosure policy it was run with, or NULL without a store. */
void export_json(Program *p, const EvalResult *ev, Buf *out);

/* A Kumu blueprint: elements and connections (docs/export.md, "Kumu"). */
void export_kumu(Program *p, const EvalResult *ev, Buf *out);

/* One CSV table: its file name (partners.csv…) and its bytes. */
typedef struct ExportTable {
  const char *name;
  Buf data;
} ExportTable;

typedef struct ExportTables {
  ExportTable *t;
  int n;
} ExportTables;

/* The tables of docs/export.md, "CSV": one per kind that has a declaration,
 * the charter, waivers, findings and, with ev, the evaluation and its
 * equity lines. Free with export_tables_free. */
void export_csv(Program *p, const EvalResult *ev, ExportTables *out);
void export_tables_free(ExportTables *t);

/* Every table export_csv can write, each holding its header line alone:
 * how the command tells a table an earlier export wrote. */
void export_csv_headers(ExportTables *out);

/* What a --no-disclosure CSV or Kumu export says in its cells and fields,
 * and the sentence of NOT-FOR-PUBLICATION.txt and of Kumu's descriptions. */
#define EXPORT_NOT_FOR_PUBLICATION "not for publication"
#define EXPORT_NOT_FOR_PUBLICATION_NOTICE                                                                     \
  "NOT FOR PUBLICATION: exported with --no-disclosure, so every value is shown, small numbers included. "     \
  "Export again without --no-disclosure for anything you share."
/* The file a --no-disclosure CSV export writes beside its tables. */
#define EXPORT_NOT_FOR_PUBLICATION_FILE "NOT-FOR-PUBLICATION.txt"

/* "partners.csv" for D_PARTNER…: the table of a kind. */
const char *export_table_name(DeclKind k);

#endif
