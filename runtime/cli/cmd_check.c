/* charter check: load a program, run the built-in checks, print the
 * diagnostics in the chosen format. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "interp.h"
#include "program.h"

/* A rule written in Charter as SARIF describes it: its title, its note as
 * the full description, its help (or how to waive it) as the help. */
static void rule_info(Program *p, const Rule *r, RuleInfo *out) {
  const Decl *d = r->decl;
  const AttrVals *note = decl_attr(d, AT_RULE_NOTE), *help = decl_attr(d, AT_RULE_HELP);
  out->id = d->id;
  out->title = d->title;
  out->full = note->n ? note->vals[0].str : d->title;
  out->help = help->n ? help->vals[0].str
                      : arena_printf(&p->arena, "Fix what the message names, or turn the rule off with a reason: waive %s \"reason\"", d->id);
}

/* --rule-steps N: digits only, 1 to RULES_MAX_STEPS. */
static bool parse_steps(const char *s, uint64_t *out) {
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > RULES_MAX_STEPS) return false;
  }
  if (v == 0) return false;
  *out = v;
  return true;
}

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {"werror", no_argument, NULL, 'W'},
      {"color", required_argument, NULL, 'c'},
      {"colour", required_argument, NULL, 'c'},
      {"root", required_argument, NULL, 'R'},
      {"rule-steps", required_argument, NULL, 'S'},
      {NULL, 0, NULL, 0},
  };
  const char *format = "text", *color = "auto", *steps_arg = NULL;
  bool werror = false;
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'f': format = optarg; break;
    case 'W': werror = true; break;
    case 'c': color = optarg; break;
    case 'R':
      if ((rc = root_option("check", optarg, &lo)) != EXIT_OK) return rc;
      break;
    case 'S': steps_arg = optarg; break;
    default: return option_error("check", ch, argv);
    }
  }
  if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "sarif") && strcmp(format, "github"))
    return usage_error("check", "unknown format '%s': use text, json, sarif or github", format);
  if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
    return usage_error("check", "--color takes auto, always or never, not '%s'", color);
  uint64_t max_steps = RULES_DEFAULT_STEPS;
  if (steps_arg && !parse_steps(steps_arg, &max_steps))
    return usage_error("check", "--rule-steps takes a whole number of steps from 1 to %llu, such as %llu, not '%s'",
                       (unsigned long long)RULES_MAX_STEPS, (unsigned long long)RULES_DEFAULT_STEPS * 10, steps_arg);
  if (optind >= argc) return usage_error("check", "which program? Give the entry file, as in: charter check coalition.charter");
  if (argc - optind > 1) return usage_error("check", "check takes one entry file; imported files are checked with it");

  Program *p = program_load(argv[optind], &lo);
  rules_run_budget(p, max_steps, NULL);
  diag_sort(&p->diags);
  if (werror) diag_promote_warnings(&p->diags);
  int status = p->diags.nerrors ? EXIT_FINDINGS : EXIT_OK;
  if (p->entry_unreadable) status = EXIT_USAGE;

  if (strcmp(format, "text") == 0) {
    bool c = color_wanted(color);
    DiagStyle style = {c, 50, "(--format json lists them all)"};
    diag_print_text(stderr, &p->diags, &p->srcs, style);
    if (!p->entry_unreadable) diag_print_summary(stderr, &p->diags, c);
  } else if (p->entry_unreadable) {
    diag_print_text(stderr, &p->diags, &p->srcs, (DiagStyle){false, 50, NULL});
  } else if (strcmp(format, "json") == 0) {
    diag_print_json(stdout, &p->diags, &p->srcs);
  } else if (strcmp(format, "sarif") == 0) {
    int n = chk_builtin_count + p->rules.len;
    RuleInfo *rules = arena_alloc(&p->arena, (size_t)n * sizeof *rules);
    memcpy(rules, chk_builtin_rules, (size_t)chk_builtin_count * sizeof *rules);
    n = chk_builtin_count;
    for (int i = 0; i < p->rules.len; i++) {
      const Rule *r = p->rules.items[i];
      if (!chk_is_builtin(r->decl->id)) rule_info(p, r, &rules[n++]); /* that clash is an error */
    }
    diag_print_sarif(stdout, &p->diags, &p->srcs, rules, n, CHARTER_VERSION, new_default_home());
  } else {
    diag_print_github(stdout, &p->diags, &p->srcs);
  }
  program_free(p);
  if (fflush(stdout) != 0) status = EXIT_USAGE;
  return status;
}
