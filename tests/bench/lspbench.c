/* lspbench: drives `charter lsp` as an editor would and times each edit.
 *
 *   lspbench CHARTER DIR EDITS
 *
 * DIR holds main.charter and the files it imports (gen's layout). The
 * bench opens main.charter and the last imported file, then sends EDITS
 * didChange notifications of that file (every other one adds an error, so
 * the diagnostics change), and after each waits for the publishDiagnostics
 * of every file of the program: the time from writing the didChange to
 * reading the last of them is the edit's latency. Prints one line:
 *
 *   files=F edits=N p50_ms=X p95_ms=Y max_ms=Z rss0_mb=A rss1k_mb=B rssN_mb=C
 *
 * (rss1k after 1,000 edits, or "-" with fewer; rssN after all of them, read
 * from /proc/PID/status). Exit 2 when the server misbehaves. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int to_srv, from_srv;
static pid_t pid;

static void die(const char *fmt, const char *arg) {
  fprintf(stderr, "lspbench: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  if (pid > 0) kill(pid, SIGKILL);
  exit(2);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- a growable string ---- */
typedef struct {
  char *p;
  size_t n, cap;
} Str;

static void put(Str *s, const char *d, size_t n) {
  if (s->n + n + 1 > s->cap) {
    s->cap = (s->n + n + 1) * 2;
    s->p = realloc(s->p, s->cap);
    if (!s->p) die("%s", "out of memory");
  }
  memcpy(s->p + s->n, d, n);
  s->n += n;
  s->p[s->n] = '\0';
}
static void puts_(Str *s, const char *d) { put(s, d, strlen(d)); }

/* Appends text as a JSON string body (without quotes). */
static void put_json(Str *s, const char *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    char e[8];
    if (c == '"' || c == '\\') {
      e[0] = '\\';
      e[1] = (char)c;
      put(s, e, 2);
    } else if (c == '\n') put(s, "\\n", 2);
    else if (c < 0x20) {
      snprintf(e, sizeof e, "\\u%04x", c);
      put(s, e, 6);
    } else put(s, (const char *)&c, 1);
  }
}

static void send_msg(const Str *body) {
  char head[64];
  int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", body->n);
  Str all = {0};
  put(&all, head, (size_t)h);
  put(&all, body->p, body->n);
  size_t off = 0;
  while (off < all.n) {
    ssize_t w = write(to_srv, all.p + off, all.n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) die("%s", "cannot write to the server");
    off += (size_t)w;
  }
  free(all.p);
}

/* ---- reading framed messages ---- */
static Str in;
static size_t in_start;

/* The next message's body (valid until the next call). */
static const char *next_msg(size_t *len) {
  for (;;) {
    char *h = in.p ? in.p + in_start : NULL;
    char *end = h ? strstr(h, "\r\n\r\n") : NULL;
    if (end) {
      const char *cl = strstr(h, "Content-Length: ");
      if (!cl || cl > end) die("%s", "a message without Content-Length");
      size_t n = strtoul(cl + 16, NULL, 10);
      size_t body = (size_t)(end + 4 - in.p);
      if (in.n - body >= n) {
        in_start = body + n;
        *len = n;
        return in.p + body;
      }
    }
    if (in_start > 0 && in_start == in.n) {
      in.n = 0;
      in_start = 0;
    }
    char chunk[65536];
    ssize_t r = read(from_srv, chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) die("%s", "the server closed its output");
    put(&in, chunk, (size_t)r);
  }
}

/* Reads until `count` publishDiagnostics have come. */
static void await_publishes(int count) {
  int got = 0;
  while (got < count) {
    size_t n;
    const char *b = next_msg(&n);
    if (memmem(b, n, "\"textDocument/publishDiagnostics\"", 33)) got++;
  }
}

/* Reads until the response with this id. */
static void await_id(int id) {
  char key[32];
  snprintf(key, sizeof key, "\"id\":%d,", id);
  for (;;) {
    size_t n;
    const char *b = next_msg(&n);
    if (memmem(b, n, key, strlen(key))) return;
  }
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot read %s", path);
  Str s = {0};
  char buf[65536];
  size_t r;
  while ((r = fread(buf, 1, sizeof buf, f)) > 0) put(&s, buf, r);
  fclose(f);
  *len = s.n;
  return s.p ? s.p : calloc(1, 1);
}

static double rss_mb(void) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  double kb = -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = atof(line + 6);
  fclose(f);
  return kb / 1024;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void open_doc(const char *uri, const char *text, size_t len) {
  Str m = {0};
  puts_(&m, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"");
  puts_(&m, uri);
  puts_(&m, "\",\"languageId\":\"charter\",\"version\":1,\"text\":\"");
  put_json(&m, text, len);
  puts_(&m, "\"}}}");
  send_msg(&m);
  free(m.p);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: lspbench CHARTER DIR EDITS\n");
    return 2;
  }
  const char *charter = argv[1];
  char dir[4096];
  if (!realpath(argv[2], dir)) die("no folder %s", argv[2]);
  long edits = strtol(argv[3], NULL, 10);
  if (edits < 1) die("%s", "EDITS must be 1 or more");

  /* The files: main.charter and the last part_*.charter (sorted). */
  int files = 0;
  char last[512] = "";
  DIR *d = opendir(dir);
  if (!d) die("no folder %s", dir);
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n > 8 && strcmp(e->d_name + n - 8, ".charter") == 0) {
      files++;
      if (strncmp(e->d_name, "part_", 5) == 0 && strcmp(e->d_name, last) > 0)
        snprintf(last, sizeof last, "%s", e->d_name);
    }
  }
  closedir(d);
  if (!last[0]) die("%s", "the folder has no part_*.charter (make it with gen --files K)");

  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe)) die("%s", "pipe failed");
  pid = fork();
  if (pid < 0) die("%s", "fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    execl(charter, charter, "lsp", (char *)NULL);
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  to_srv = in_pipe[1];
  from_srv = out_pipe[0];
  signal(SIGPIPE, SIG_IGN);

  Str m = {0};
  puts_(&m, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":null,\"rootUri\":\"file://");
  puts_(&m, dir);
  puts_(&m, "\",\"capabilities\":{}}}");
  send_msg(&m);
  await_id(1);
  m.n = 0;
  puts_(&m, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  send_msg(&m);

  char path[8192], main_uri[8300], part_uri[8300];
  size_t mlen, plen;
  snprintf(path, sizeof path, "%s/main.charter", dir);
  char *mtext = slurp(path, &mlen);
  snprintf(main_uri, sizeof main_uri, "file://%s", path);
  snprintf(path, sizeof path, "%s/%s", dir, last);
  char *ptext = slurp(path, &plen);
  snprintf(part_uri, sizeof part_uri, "file://%s", path);

  open_doc(main_uri, mtext, mlen);
  await_publishes(files);
  open_doc(part_uri, ptext, plen);
  await_publishes(files);
  double rss0 = rss_mb(), rss1k = -1;

  double *lat = calloc((size_t)edits, sizeof *lat);
  for (long i = 0; i < edits; i++) {
    m.n = 0;
    puts_(&m, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"");
    puts_(&m, part_uri);
    char ver[64];
    snprintf(ver, sizeof ver, "\",\"version\":%ld},\"contentChanges\":[{\"text\":\"", i + 2);
    puts_(&m, ver);
    put_json(&m, ptext, plen);
    char tail[160];
    if (i % 2) snprintf(tail, sizeof tail, "\\n# edit %ld\\n", i);
    else snprintf(tail, sizeof tail, "\\noutcome zz_edit_%ld \\\"Edit\\\" { horizon short\\n  indicator no_such_%ld }\\n", i, i);
    puts_(&m, tail);
    puts_(&m, "\"}]}}");
    double t0 = now_ms();
    send_msg(&m);
    await_publishes(files);
    lat[i] = now_ms() - t0;
    if (i + 1 == 1000) rss1k = rss_mb();
  }
  double rssn = rss_mb();

  m.n = 0;
  puts_(&m, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
  send_msg(&m);
  await_id(2);
  m.n = 0;
  puts_(&m, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  send_msg(&m);
  close(to_srv);
  int st = 0;
  waitpid(pid, &st, 0);

  qsort(lat, (size_t)edits, sizeof *lat, cmp_double);
  double p50 = lat[(size_t)((edits - 1) * 50 / 100)], p95 = lat[(size_t)((edits - 1) * 95 / 100)];
  printf("files=%d edits=%ld p50_ms=%.1f p95_ms=%.1f max_ms=%.1f rss0_mb=%.1f ", files, edits, p50, p95,
         lat[edits - 1], rss0);
  if (rss1k >= 0) printf("rss1k_mb=%.1f ", rss1k);
  else printf("rss1k_mb=- ");
  printf("rssN_mb=%.1f\n", rssn);
  free(lat);
  free(m.p);
  free(mtext);
  free(ptext);
  free(in.p);
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 2;
}
