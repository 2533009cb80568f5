/* Writing what a command makes to the file the user named: whole or not at
 * all, never over a device, never a binary stream onto a terminal, never
 * out of the project through a symbolic link it holds. */
#ifndef CHARTER_OUTPUT_H
#define CHARTER_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes all of data to fd, retrying short writes; false with errno set. */
bool output_write_all(int fd, const char *data, size_t len);

/* The project root of file: its directory with every symbolic link
 * resolved (realpath), a new string; NULL with errno set when that
 * directory cannot be resolved. */
char *output_root(const char *file);

/* When root is not NULL and a symbolic link that lies inside root (one of
 * file's leading directories, or file itself) leads out of it, says so,
 * then "  help: " and help, and returns 2; else 0. A link outside root (one the user's own path passes
 * through, such as /tmp on some systems) is not the project's, and is
 * followed. */
int output_refuse_link(const char *file, const char *root, const char *help);

/* Replaces file with data. A regular file (new, or existing and writable)
 * is written to a temporary file beside it, synced and renamed into place,
 * keeping the old file's read and write permissions (never an execute or
 * set-id bit: a new file is 0666 less the umask) and, when allowed, its
 * owner; through a symbolic link, its target is replaced, unless root is
 * given and the link leaves it (output_refuse_link, with help).
 * Standard output and error under any name (/dev/stdout, /dev/fd/1) are
 * written through their descriptor; a device, a FIFO or anything under
 * /dev or /proc is written in place. Signals that end the process are held
 * while the temporary file exists. binary: refuse to write onto a
 * terminal. Prints "charter: cannot write …" and returns 2 on failure,
 * else 0. */
int output_replace(const char *file, const char *data, size_t len, bool binary, const char *root, const char *help);

/* The help of render -o and fmt -w. */
#define OUTPUT_FOLLOW_HELP "write to a file inside the project, or give --follow-symlinks if you mean to write there"

#endif
