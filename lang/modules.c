/* Module look-ups over the standard library compiled into the binary
 * (build/gen/stdlib.c) and the modules a program uses. */
#include <string.h>

#include "modules.h"

const StdlibFile *stdlib_find(const char *name) {
  for (const StdlibFile *m = charter_stdlib; m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}

const char *stdlib_module_declaring(const char *id) {
  for (const StdlibFile *m = charter_stdlib; m->name; m++) {
    /* Modules are small: a textual scan for "KIND id " finds the
     * declaration without building a second program. */
    const char *t = m->text;
    size_t n = strlen(id);
    for (const char *q = strstr(t, id); q; q = strstr(q + 1, id)) {
      if ((q == t || q[-1] == ' ') && (q[n] == ' ' || q[n] == '\t')) {
        const char *line = q;
        while (line > t && line[-1] != '\n') line--;
        while (*line == ' ') line++;
        const char *sp = strchr(line, ' ');
        if (sp && sp + 1 == q) {
          char kw[16];
          size_t kl = (size_t)(sp - line);
          if (kl < sizeof kw) {
            memcpy(kw, line, kl);
            kw[kl] = '\0';
            if (ast_kind_from_name(kw) >= 0) return m->name;
          }
        }
      }
    }
  }
  return NULL;
}

const char *program_unused_module_declaring(const Program *p, const char *id) {
  const char *module = stdlib_module_declaring(id);
  for (int i = 0; module && i < p->modules.len; i++)
    if (strcmp(p->modules.items[i], module) == 0) return NULL;
  return module;
}
