/* Module look-ups: the standard library compiled into the binary, and which
 * module declares an id (for "add `use M`" hints). Used by the loader and by
 * the checks, so neither calls into the other for them. */
#ifndef CHARTER_MODULES_H
#define CHARTER_MODULES_H

#include "program.h"

/* The standard module called name, or NULL. */
const StdlibFile *stdlib_find(const char *name);
/* The module among charter_stdlib that declares id, or NULL. */
const char *stdlib_module_declaring(const char *id);
/* The same, only when the program does not `use` that module (a module of
 * that name on CHARTER_PATH counts as used): for "add `use M`" hints. */
const char *program_unused_module_declaring(const Program *p, const char *id);

#endif
