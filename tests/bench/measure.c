/* measure: runs one command and prints "<wall s> <peak RSS MB> <exit code>"
 * on one line, so that bench.sh can time charter and its peers the same way.
 * The command's stdout and stderr go to /dev/null, or to LOGFILE with -o. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f) {
  fputs(
      "usage: measure [-o LOGFILE] -- CMD ARGS...\n"
      "Runs CMD and prints: <wall seconds> <peak RSS in MB> <exit code>\n"
      "(exit code 128+N when killed by signal N, 127 when CMD cannot be run).\n",
      f);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  const char *log = NULL;
  char **cmd;
  int i = 1, out, errpipe[2], status, child_errno = 0, code;
  ssize_t n;
  pid_t pid;
  double t0, t1;
  struct rusage ru;

  while (i < argc && strcmp(argv[i], "--") != 0) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage(stdout);
      return 0;
    }
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      log = argv[i + 1];
      i += 2;
      continue;
    }
    usage(stderr);
    return 2;
  }
  if (i + 1 >= argc) {
    usage(stderr);
    return 2;
  }
  cmd = argv + i + 1;

  out = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    fprintf(stderr, "measure: %s: %s\n", log ? log : "/dev/null", strerror(errno));
    return 2;
  }
  /* the child reports a failed exec through this pipe; a successful exec
   * closes it, and the parent reads end-of-file */
  if (pipe(errpipe) != 0 || fcntl(errpipe[0], F_SETFD, FD_CLOEXEC) != 0 ||
      fcntl(errpipe[1], F_SETFD, FD_CLOEXEC) != 0) {
    fprintf(stderr, "measure: pipe: %s\n", strerror(errno));
    return 2;
  }
  fflush(stdout);
  t0 = now();
  pid = fork();
  if (pid < 0) {
    fprintf(stderr, "measure: fork: %s\n", strerror(errno));
    return 2;
  }
  if (pid == 0) {
    int e;
    close(errpipe[0]);
    if (dup2(out, STDOUT_FILENO) >= 0 && dup2(out, STDERR_FILENO) >= 0) execvp(cmd[0], cmd);
    e = errno;
    if (write(errpipe[1], &e, sizeof e) < 0) {
      /* nothing more can be done: the exit code still says 127 */
    }
    _exit(127);
  }
  close(errpipe[1]);
  close(out);
  do n = read(errpipe[0], &child_errno, sizeof child_errno);
  while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "measure: waitpid: %s\n", strerror(errno));
      return 2;
    }
  }
  t1 = now();
  if (n == (ssize_t)sizeof child_errno)
    fprintf(stderr, "measure: cannot run %s: %s\n", cmd[0], strerror(child_errno));
  if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
    fprintf(stderr, "measure: getrusage: %s\n", strerror(errno));
    return 2;
  }
  code = WIFEXITED(status)     ? WEXITSTATUS(status)
         : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                               : 255;
  /* ru_maxrss is in kilobytes on Linux */
  printf("%.3f %.1f %d\n", t1 - t0, (double)ru.ru_maxrss / 1024.0, code);
  return fflush(stdout) == 0 ? 0 : 2;
}
