/* charter diff: placeholder of the contract commit, replaced by the command. */
#include "cli.h"

int cmd_diff(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return usage_error("diff", "charter diff is not built yet");
}
