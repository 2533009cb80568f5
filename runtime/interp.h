/* The rule interpreter: evaluates the type-checked expressions of rules
 * over the checked model and reports, per failing element, one diagnostic
 * tagged with the rule id (docs/language.md, Rules and Waivers). */
#ifndef CHARTER_INTERP_H
#define CHARTER_INTERP_H

#include <stdint.h>

#include "program.h"

/* The steps one run of the rules may take by default (docs/rules.md, "What
 * rules may cost"): each expression evaluated counts one, and an operation
 * that walks a list (in, distinct, sum, min, max, reading a list field)
 * one per element. The standard library on 100,000 declarations takes
 * about 2,500,000 (a fortieth of it); 10^8 steps take about a second. */
#define RULES_DEFAULT_STEPS UINT64_C(100000000)
/* The most --rule-steps accepts. */
#define RULES_MAX_STEPS UINT64_C(1000000000000)

typedef struct RunStats {
  int rules;      /* rules run */
  int findings;   /* diagnostics reported */
  int waived;     /* findings a waiver suppressed */
  uint64_t steps; /* steps taken */
  bool stopped;   /* the budget ran out: an error names the costliest rule */
} RunStats;

/* Runs every rule of a program that has no built-in errors; findings,
 * unused-waiver warnings and division-by-zero notes go to p->diags. Returns
 * false (running nothing) when the program has errors. When the rules take
 * more than max_steps steps, they stop, and an error at the rule that took
 * the most says so. */
bool rules_run_budget(Program *p, uint64_t max_steps, RunStats *stats);
/* The same with RULES_DEFAULT_STEPS. */
bool rules_run(Program *p, RunStats *stats);

#endif
