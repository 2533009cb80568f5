/* The address of charter's source that `charter new` writes into the
 * starter's workflow: checking one, and the one known at build time
 * (build/gen/source.h). Shared by cmd_new.c and help.c; cmd_check.c names
 * the same address, as a home page, in SARIF's informationUri. */
#include <stdbool.h>
#include <string.h>

#include "cli.h"
#include "source.h"

const char *new_source_problem(const char *url) {
  if (strncmp(url, "https://", 8) != 0)
    return "the CI runner clones charter over the network with no keys, so the address must start with https://, "
           "as in https://github.com/OWNER/charter.git";
  const char *host = url + 8;
  size_t hlen = strcspn(host, "/");
  if (memchr(host, '@', hlen))
    return "the address holds a user name or token, which would be written into the workflow for anyone to read: "
           "give the address without it (a private repository needs the workflow edited by hand)";
  if (hlen == 0) return "the address has no host name, as in https://github.com/OWNER/charter.git";
  for (const char *c = url; *c; c++) {
    bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr(".-_~/:+=", *c);
    if (!plain)
      return "the address may hold only letters, digits and . - _ ~ / : + = (no spaces, quotes, ? or #)";
  }
  return NULL;
}

const char *new_default_source(void) {
  const char *s = CHARTER_DEFAULT_SOURCE;
  return *s && !new_source_problem(s) ? s : "";
}

const char *new_default_home(void) {
  static char home[1024];
  const char *s = new_default_source();
  size_t n = strlen(s);
  if (n >= sizeof home) return "";
  if (n > 4 && strcmp(s + n - 4, ".git") == 0) n -= 4;
  while (n > 8 && s[n - 1] == '/') n--;
  memcpy(home, s, n);
  home[n] = '\0';
  return home;
}
