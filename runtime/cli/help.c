/* The help texts of `charter --help` and `charter help COMMAND`. They list
 * only what exists. */
#include <string.h>

#include "cli.h"

static const char overview[] =
    "Usage: charter COMMAND [OPTION]... [FILE]...\n"
    "Write, check and format a coalition's theory of change, kept as *.charter files.\n"
    "\n"
    "Commands:\n"
    "  check    check a program and report every problem found\n"
    "  diff     what changed between two versions of a program, for a pull request\n"
    "  eval     evaluate every indicator against its targets, from the store\n"
    "  export   write the checked model as JSON, Kumu JSON or CSV for other tools\n"
    "  fmt      lay out .charter files in the canonical format\n"
    "  help     show the help of a command\n"
    "  import   store CSV measurements in the SQLite measurement store\n"
    "  lsp      the language server: diagnostics, navigation and fixes in an editor\n"
    "  new      write a starter coalition: a charter, its data, a README, a CI workflow\n"
    "  render   draw a view of a program (logic model, pathway, accountability)\n"
    "  report   write the coalition's plan and results as a web page or markdown\n"
    "\n"
    "Options:\n"
    "  -h, --help     display this help and exit\n"
    "  -V, --version  output version information and exit\n"
    "\n"
    "Run 'charter help COMMAND' for the options of one command.\n"
    "\n"
    "Exit status: 0 success; 1 problems found (errors in the program, files fmt\n"
    "would change, rows import rejected, statuses eval --fail-on names); 2 usage\n"
    "error, unreadable file, database failure or internal error.\n"
    "\n"
    "Environment: CHARTER_PATH, a colon-separated list of directories searched for\n"
    "the modules named by `use` before the standard library; NO_COLOR and TERM=dumb\n"
    "turn colour off.\n"
    "\n"
    "Imports read only .charter files in the entry file's folder and below (or in\n"
    "CHARTER_PATH, or --root DIR): a pull request cannot make charter read others.\n";

static const char check_help[] =
    "Usage: charter check [OPTION]... FILE\n"
    "Check the program whose entry file is FILE, with everything it imports and uses,\n"
    "and report every problem the built-in checks find; then, when there are no\n"
    "errors, run the rules of the program and of the modules it uses\n"
    "(collective_impact, equity, rba, or your own on CHARTER_PATH).\n"
    "\n"
    "Options:\n"
    "      --format=FORMAT  text (default, on standard error), json, sarif or github\n"
    "                       (on standard output)\n"
    "      --werror         treat warnings as errors\n"
    "      --color=WHEN     colour the text output: auto (default), always or never\n"
    "      --rule-steps=N   the most steps the rules may take (default 100000000):\n"
    "                       each value a rule computes counts one; rules that need\n"
    "                       more stop with an error at the costliest rule\n"
    "      --root=DIR       let imports read files in DIR too (by default only the\n"
    "                       entry file's folder and below, and CHARTER_PATH)\n"
    "  -h, --help           display this help and exit\n"
    "\n"
    "Text diagnostics look like GCC's: FILE:LINE:COLUMN: error: MESSAGE [CHECK],\n"
    "then the source line and a caret under the problem; at most 50 are printed,\n"
    "then a count of the rest, then a summary line 'N errors, M warnings'.\n"
    "\n"
    "Exit status: 0 no errors (warnings allowed unless --werror); 1 errors found;\n"
    "2 usage error or unreadable FILE.\n";

static const char fmt_help[] =
    "Usage: charter fmt [--check | --diff | -w] FILE...\n"
    "Lay out each FILE in the canonical format: two-space indentation, one attribute\n"
    "per line, one blank line between declarations, lists filled to 80 columns,\n"
    "comments kept. Each file is formatted on its own; imports are not followed.\n"
    "FILE may be '-' for standard input.\n"
    "\n"
    "Options:\n"
    "      --check  list the files that are not formatted; change nothing\n"
    "      --diff   print a unified diff of the changes; change nothing\n"
    "  -w, --write  rewrite the files in place (atomically)\n"
    "      --follow-symlinks  with -w, also write through a symbolic link that\n"
    "               leads out of the file's own directory (refused otherwise)\n"
    "  -h, --help   display this help and exit\n"
    "\n"
    "Without an option the formatted text is printed on standard output.\n"
    "A file with syntax errors is reported and never rewritten.\n"
    "\n"
    "Exit status: 0 success; 1 with --check or --diff, some file would change;\n"
    "2 usage error, unreadable file, or a file that does not parse.\n";

static const char render_help[] =
    "Usage: charter render [OPTION]... FILE\n"
    "Draw a view of the program whose entry file is FILE, laid out with Graphviz:\n"
    "  logic           (default) partners, activities, outputs, short-term,\n"
    "                  intermediate and long-term outcomes, goals, in columns\n"
    "  pathway         outcomes and goals, bottom up, with their assumptions\n"
    "  accountability  partners and the activities they own; community owners\n"
    "                  stand out, activities without one are flagged\n"
    "or a view the program declares (view NAME \"Title\" { diagram; focus; exclude }).\n"
    "The program must have no errors; render does not run the rules.\n"
    "\n"
    "Options:\n"
    "      --view=NAME      the view to draw (default logic)\n"
    "  -T, --format=FORMAT  svg (default), png, pdf, or dot for the DOT charter\n"
    "                       generates, before layout; without -T, the extension\n"
    "                       of -o chooses (.svg, .png, .pdf, .dot or .gv; none:\n"
    "                       svg; another, as in logic.jpg, is refused)\n"
    "  -o, --output=FILE    write to FILE ('-' or none: standard output); FILE is\n"
    "                       replaced whole or left as it was\n"
    "      --db=DB          the status overlay: colour goals, outcomes and\n"
    "                       indicators by their evaluation from the store DB\n"
    "                       (opened read-only); a goal or outcome takes the worst\n"
    "                       status of its indicators, grey when none has data\n"
    "      --as-of=PERIOD   evaluate as of PERIOD's last day (default: today, UTC)\n"
    "      --page=PAGE      scale the drawing down to fit a letter, a4 or legal page;\n"
    "                       warns when its text would fall below 7 pt\n"
    "      --landscape, --portrait  turn the page, or not (the default)\n"
    "      --margin=LENGTH  the page's margin on each side, as in 0.5in (the\n"
    "                       default), 12mm, 1cm or 36pt\n"
    "      --follow-symlinks  let -o write through a symbolic link in FILE's\n"
    "                       directory that leads out of it (refused otherwise)\n"
    "      --max-nodes=N    lay out a view of at most N nodes (default 2000;\n"
    "                       0: no limit); a bigger one is refused before layout\n"
    "                       (-T dot is not limited: it does no layout)\n"
    "      --max-edges=N    lay out a view of at most N arrows (default 5000;\n"
    "                       0: no limit)\n"
    "      --root=DIR       let imports read files in DIR too (by default only the\n"
    "                       entry file's folder and below, and CHARTER_PATH)\n"
    "  -h, --help           display this help and exit\n"
    "\n"
    "The same program gives the same DOT and SVG bytes. SVG text is measured with\n"
    "Graphviz's own font tables, so it does not depend on the fonts installed;\n"
    "png and pdf are drawn with cairo and the installed fonts.\n"
    "\n"
    "Exit status: 0 success; 1 errors in the program (nothing is drawn), or a\n"
    "corrupt row in the store; 2 usage error, unknown view, unreadable FILE,\n"
    "unwritable output (a link out of the project without --follow-symlinks), a\n"
    "format this Graphviz installation cannot write, a view above --max-nodes or\n"
    "--max-edges, or a store that cannot be read or verified.\n";

static const char import_help[] =
    "Usage: charter import --db DB [OPTION]... FILE CSV...\n"
    "Store the measurements of each CSV file in the SQLite database DB (created\n"
    "when missing), after checking every row against the program whose entry file\n"
    "is FILE. The program must have no errors.\n"
    "\n"
    "A CSV file's first line names its columns, in any order: indicator, period and\n"
    "value are required (or numerator and denominator instead of value); dimension,\n"
    "group, source, note, numerator, denominator and flag (provisional, estimated,\n"
    "unstable, suppressed, break) are optional. Leave dimension and group empty for\n"
    "the whole population. A period is 2027, 2027-H1, 2027-Q2, 2027-06, 2027-06-30,\n"
    "a school year SY2025-26, a fiscal year FY2026 or a span of whole years\n"
    "2013/2017; rows whose periods end on the same day are the same measurement.\n"
    "Header names match whatever their case; other columns are ignored with a\n"
    "warning. A row with no value, no counts and no suppressed flag is skipped\n"
    "with a warning; 45% reads as 45 in a % indicator. Warnings never block.\n"
    "\n"
    "Options:\n"
    "      --db=DB      the database file (required)\n"
    "      --replace    overwrite stored values that this import changes\n"
    "      --dry-run    check and compare with the store, print what would be\n"
    "                   added, replaced or unchanged, and write nothing\n"
    "      --date-order=mdy|dmy\n"
    "                   read days written 3/31/2026 (mdy) or 31/3/2026 (dmy), and\n"
    "                   2026/03/31, storing them as 2026-03-31\n"
    "      --thousands=,\n"
    "                   read 1,234,567 as 1234567 in values and counts\n"
    "      --root=DIR   let the program's imports read files in DIR too (by default\n"
    "                   only the entry file's folder and below, and CHARTER_PATH)\n"
    "  -h, --help       display this help and exit\n"
    "\n"
    "All files are stored in one transaction: one bad row and nothing is written.\n"
    "Each error is reported as CSV:LINE:COLUMN. A row already stored with the\n"
    "same value is left as it is; a different value is an error, unless --replace.\n"
    "On success, prints how many rows were added, replaced and unchanged.\n"
    "\n"
    "Exit status: 0 success; 1 errors in the program, rows rejected or a corrupt\n"
    "stored row met (nothing stored); 2 usage error, unreadable file, or a\n"
    "database that cannot be used or verified.\n";

static const char eval_help[] =
    "Usage: charter eval --db DB [OPTION]... FILE\n"
    "Evaluate every indicator of the program whose entry file is FILE against the\n"
    "measurements in DB: latest value, progress, variance, status against the\n"
    "trajectory from baseline through milestones to target, staleness, a\n"
    "least-squares projection, the trend, and every equity target. DB is opened\n"
    "read-only. The program must have no errors.\n"
    "\n"
    "Options:\n"
    "      --db=DB               the database charter import filled (required)\n"
    "      --as-of=PERIOD        evaluate as of PERIOD's last day (default: today, UTC)\n"
    "      --format=FORMAT       table (default, for people), json or csv\n"
    "      --equity              with --format csv: the equity lines, one row each,\n"
    "                            instead of the indicators\n"
    "      --fail-on=STATUS,...  exit 1 when an indicator or an equity line has one\n"
    "                            of these statuses: no_target, no_data, met, missed,\n"
    "                            on_track, off_track, at_baseline, not_met\n"
    "      --no-disclosure       set the charter's disclosure block aside: show every\n"
    "                            value, small numbers included, with a notice that\n"
    "                            the output is not for publication\n"
    "      --root=DIR            let imports read files in DIR too (by default only\n"
    "                            the entry file's folder and below, and CHARTER_PATH)\n"
    "  -h, --help                display this help and exit\n"
    "\n"
    "Exit status: 0 success; 1 errors in the program, a status --fail-on names, or\n"
    "a corrupt row in the store (named, nothing evaluated); 2 usage error,\n"
    "unreadable FILE, or a database that cannot be read or verified.\n";

static const char new_help[] =
    "Usage: charter new [--source URL] DIR\n"
    "Write a starter coalition into DIR (made when missing): coalition.charter, a\n"
    "charter that checks clean with every standard module; measurements.csv,\n"
    "illustrative data for it; README.md, the next steps; .gitignore, keeping the\n"
    "store, drawings and SARIF out of Git; and .github/workflows/charter.yml, a\n"
    "GitHub Actions workflow that runs charter fmt --diff and charter check\n"
    "(annotations in the log, and SARIF uploaded to code scanning) and keeps the\n"
    "logic model as an artifact.\n"
    "\n"
    "The workflow builds charter from its source, cloned from the repository\n"
    "variable CHARTER_SOURCE when it is set, else from the address written in it:\n"
    "URL, or the https:// address this charter was built from (the checkout's\n"
    "origin, or make CHARTER_SOURCE=URL), if any.\n"
    "\n"
    "Options:\n"
    "      --source=URL  the https:// address of Charter's source repository\n"
    "  -h, --help        display this help and exit\n"
    "\n"
    "new never overwrites a file: when any of them exists, nothing is written.\n"
    "\n"
    "Exit status: 0 success; 2 usage error, a file in the way, or a file that\n"
    "cannot be written (then nothing is left written).\n";

static const char report_help[] =
    "Usage: charter report [OPTION]... FILE\n"
    "Write the plan and results of the program whose entry file is FILE for funders,\n"
    "boards, partners and residents: the coalition, the five conditions of\n"
    "collective impact, every measure's status, the logic model, a turn-the-curve\n"
    "chart per measure, a chart of the groups for each measure's equity targets,\n"
    "and who does what. One HTML\n"
    "page with everything inside it (no JavaScript, no outside requests), or\n"
    "markdown. The program must have no errors; the rules run and their findings\n"
    "say what the plan still lacks. The disclosure policy applies.\n"
    "\n"
    "Options:\n"
    "      --db=DB          the measurement store the results come from (opened\n"
    "                       read-only); without it, the plan alone\n"
    "      --as-of=PERIOD   results as of PERIOD's last day (default: today, UTC)\n"
    "  -o, --output=FILE    write to FILE ('-' or none: standard output); FILE is\n"
    "                       replaced whole or left as it was\n"
    "      --format=FORMAT  html (default) or md: markdown, with its charts written\n"
    "                       as SVG files into the folder charts/ beside FILE (-o is\n"
    "                       needed); without it -o's extension chooses (.html,\n"
    "                       .htm, .md); -o must end so, or no report is written\n"
    "      --lang=LANG      en (default) or es: the words charter writes, and the\n"
    "                       program's own where it gives them (title_es and the like)\n"
    "      --audience=WHO   public (default) or internal: internal adds each\n"
    "                       declaration's id and its internal_note\n"
    "      --no-disclosure  show small numbers the policy would withhold; only with\n"
    "                       --db and --audience internal, and the page says not to\n"
    "                       publish it\n"
    "      --root=DIR       let imports read files in DIR too\n"
    "  -h, --help           display this help and exit\n"
    "\n"
    "Exit status: 0 written; 1 errors in the program or a damaged store; 2 usage\n"
    "error, unreadable file, missing translation catalog or database failure.\n";

static const char lsp_help[] =
    "Usage: charter lsp [OPTION]...\n"
    "Speak the Language Server Protocol 3.17 on standard input and output, for an\n"
    "editor: as .charter files are opened and edited, check the program each\n"
    "belongs to (open files as they are in the editor, the others from the disk),\n"
    "run the rules, and publish the diagnostics charter check would print; answer\n"
    "hover, definition, references, rename, completion, document and workspace\n"
    "symbols, folding ranges, formatting (as charter fmt) and quick fixes.\n"
    "Standard output carries nothing but the protocol.\n"
    "\n"
    "Options:\n"
    "      --db=DB     the store hover reads the latest values and statuses from\n"
    "      --log=FILE  append a line per event to FILE (otherwise nothing is logged)\n"
    "      --stdio     use standard input and output (the default and only way)\n"
    "      --root=DIR  let imports read files in DIR too\n"
    "  -h, --help      display this help and exit\n"
    "\n"
    "Exit status: 0 after the editor's shutdown request; 1 when the input ends or\n"
    "exit arrives without it; 2 usage error or a log file that cannot be opened.\n";

/* ---- charter diff (runtime/cli/cmd_diff.c) ---- */
static const char diff_help[] =
    "Usage: charter diff OLD NEW\n"
    "Not built yet.\n";
/* ---- end of charter diff ---- */

/* ---- charter export (runtime/cli/cmd_export.c) ---- */
static const char export_help[] =
    "Usage: charter export [OPTION]... FILE\n"
    "Write the checked model of the program whose entry file is FILE for other\n"
    "tools: every declaration with its attributes as typed values, who refers to\n"
    "each, the modules used, the waivers and the rules' findings; with --db, the\n"
    "evaluation of every indicator, under the disclosure policy. The program must\n"
    "have no errors (they are printed as check prints them, and nothing is\n"
    "written). docs/export.md describes every format.\n"
    "\n"
    "Options:\n"
    "      --format=FORMAT  json (default: the whole model, docs/export.schema.json),\n"
    "                       kumu (a Kumu blueprint: elements and connections for a\n"
    "                       system map) or csv (one table per kind, for\n"
    "                       spreadsheets, into the folder -o names)\n"
    "      --db=DB          the measurement store to evaluate (opened read-only)\n"
    "      --as-of=PERIOD   results as of PERIOD's last day (default: today, UTC)\n"
    "      --no-disclosure  show small numbers the policy would withhold; only with\n"
    "                       --db, and the export says it is not for publication\n"
    "  -o, --output=OUT     json and kumu: a file ending in .json ('-' or none:\n"
    "                       standard output), replaced whole or left as it was;\n"
    "                       csv: a folder that exists (needed)\n"
    "      --root=DIR       let imports read files in DIR too\n"
    "  -h, --help           display this help and exit\n"
    "\n"
    "Exit status: 0 written; 1 errors in the program or a damaged store; 2 usage\n"
    "error, unreadable file, database failure or an output refused.\n";
/* ---- end of charter export ---- */

static const char help_help[] =
    "Usage: charter help [COMMAND]\n"
    "Show the help of COMMAND, or the list of commands.\n";

bool help_print(FILE *out, const char *command) {
  const char *text = NULL;
  if (!command) text = overview;
  else if (strcmp(command, "check") == 0) text = check_help;
  else if (strcmp(command, "fmt") == 0) text = fmt_help;
  else if (strcmp(command, "render") == 0) text = render_help;
  else if (strcmp(command, "report") == 0) text = report_help;
  else if (strcmp(command, "import") == 0) text = import_help;
  else if (strcmp(command, "eval") == 0) text = eval_help;
  else if (strcmp(command, "new") == 0) text = new_help;
  else if (strcmp(command, "lsp") == 0) text = lsp_help;
  else if (strcmp(command, "diff") == 0) text = diff_help;
  else if (strcmp(command, "export") == 0) text = export_help;
  else if (strcmp(command, "help") == 0) text = help_help;
  if (!text) return false;
  fputs(text, out);
  if (text == new_help) {
    const char *src = new_default_source();
    if (*src)
      fprintf(out, "\nThis charter was built from %s.\n", src);
    else
      fputs("\nThis charter knows no https:// address of its source: use --source or the\nrepository variable.\n", out);
  }
  return true;
}
