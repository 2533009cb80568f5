/* libFuzzer target for rule evaluation (docs/rules.md, "What rules may
 * cost"): loads the input as a whole program and, when it has no errors,
 * runs its rules with a small step budget, so that a rule of any shape
 * either finishes or stops with the budget's error; never a crash, a hang
 * or a sanitizer report. Also checks the budget's promises: the run stops
 * exactly when the budget is spent, then with one error naming a rule of
 * the program at its id, and a run that stops reports no unused waivers.
 * Run with `make fuzz` (clang, ASan, UBSan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small enough that a costly rule stops within milliseconds, large enough
 * that the standard library on a small program finishes. */
enum { FUZZ_STEPS = 200000 };

static bool is_stop(const Diag *g) { return strstr(g->msg, "did not finish: the rules of one check may take") != NULL; }

static void check_stop(const Program *p, const RunStats *st, int before) {
  int stops = 0, waivers = 0;
  for (int i = before; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (is_stop(g)) {
      stops++;
      const Decl *d = strmap_get(&p->ids, g->rule);
      if (!d || d->kind != D_RULE || g->loc.start != d->id_loc.start) abort(); /* not at a rule's id */
    }
    if (strcmp(g->rule, "waiver") == 0) waivers++;
  }
  if (st->stopped != (stops == 1) || stops > 1) abort();
  if (st->stopped && (st->steps != FUZZ_STEPS || waivers)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20) return 0;
  LoadOptions opt = {NULL};
  /* Imports disabled by a path in a directory that does not exist; the
   * standard modules load from the binary. */
  Program *p = program_load_text("/nonexistent-fuzz-dir/fuzz.charter", (const char *)data, size, &opt);
  if (!p->diags.nerrors && p->charter) {
    int before = p->diags.items.len;
    RunStats st;
    if (!rules_run_budget(p, FUZZ_STEPS, &st)) abort(); /* a program without errors runs */
    check_stop(p, &st, before);
  }
  program_free(p);
  return 0;
}
