/* charter export: placeholder of the contract commit, replaced by the command. */
#include "cli.h"

int cmd_export(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return usage_error("export", "charter export is not built yet");
}
