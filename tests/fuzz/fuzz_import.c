/* libFuzzer target for the import engine (runtime/import.c) and what reads
 * its rows back: the input is one CSV file, checked against a fixed program
 * (a measured indicator with a dimension, a computed one, a counted one).
 * Every file must be either refused with diagnostics that point inside it,
 * or stored (with replace, into one store kept for the whole run) and then
 * evaluated with every status in range. Run with `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "import.h"
#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char program[] =
    "charter \"C\" { vision \"v\" }\n"
    "dimension place \"Place\" { groups \"North\", \"South\" }\n"
    "indicator rate \"Rate\" { unit \"%\"\n direction up\n baseline 40 in 2023\n target 60 by 2028\n"
    "  milestone 50 by 2026\n frequency quarterly\n disaggregate place\n equity place gap 5 by 2028 }\n"
    "indicator hired \"Hired\" { direction up\n target 10 by 2027 }\n"
    "indicator share \"Share\" { formula hired / rate * 100 }\n";

static Program *prog;
static Store *store;
static char dir[64], csv[96];

static void setup(void) {
  prog = program_load_text("fuzz.charter", program, sizeof program - 1, NULL);
  if (prog->diags.nerrors) abort();
  snprintf(dir, sizeof dir, "/tmp/fuzz_import.XXXXXX");
  if (!mkdtemp(dir)) abort();
  snprintf(csv, sizeof csv, "%s/in.csv", dir);
  char db[96], err[512];
  snprintf(db, sizeof db, "%s/store.db", dir);
  store = store_open(db, STORE_WRITE, "", err, sizeof err);
  if (!store) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!prog) setup();
  FILE *f = fopen(csv, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
  Import *im = import_new(prog);
  /* the options by the input's length, so that every seed meets some */
  import_set_options(im, &(ImportOptions){(ImportDateOrder)(size % 3), (size & 4) ? ',' : 0, false});
  char err[512];
  char *files[] = {csv};
  if (import_check(im, files, 1, err, sizeof err)) {
    /* the rows are checked as they are stored: all or nothing */
    ImportCounts counts = {0};
    StoreRc rc = import_store(im, store, true, &counts);
    DiagList *d = import_diags(im);
    for (int i = 0; i < d->items.len; i++) {
      const Diag *g = d->items.items[i];
      if (g->loc.end < g->loc.start || g->loc.end > size + 1) abort(); /* inside the file, or its end */
    }
    if (rc == STORE_OK && !d->nerrors) {
      EvalResult r;
      if (eval_run(prog, store, 20000, &r) == STORE_OK)
        for (int i = 0; i < r.n; i++)
          if ((unsigned)r.inds[i].status >= EV_STATUS_COUNT) abort();
      eval_free(&r);
    }
  }
  import_free(im);
  return 0;
}
