/* The rule interpreter: evaluates the type-checked expressions of rules
 * over the checked model and reports, per failing element, one diagnostic
 * tagged with the rule id (docs/language.md, Rules and Waivers). */
#ifndef CHARTER_INTERP_H
#define CHARTER_INTERP_H

#include "program.h"

typedef struct RunStats {
  int rules;    /* rules run */
  int findings; /* diagnostics reported */
  int waived;   /* findings a waiver suppressed */
} RunStats;

/* Runs every rule of a program that has no built-in errors; findings,
 * unused-waiver warnings and division-by-zero notes go to p->diags. Returns
 * false (running nothing) when the program has errors. */
bool rules_run(Program *p, RunStats *stats);

#endif
