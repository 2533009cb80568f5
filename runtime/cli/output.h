/* Writing what a command makes to the file the user named: whole or not at
 * all, never over a device, never a binary stream onto a terminal. */
#ifndef CHARTER_OUTPUT_H
#define CHARTER_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes all of data to fd, retrying short writes; false with errno set. */
bool output_write_all(int fd, const char *data, size_t len);

/* Replaces file with data. A regular file (new, or existing and writable)
 * is written to a temporary file beside it, synced and renamed into place,
 * keeping the old file's permissions (not set-id bits) and, when allowed,
 * its owner; through a symbolic link, its target is replaced. Standard
 * output and error under any name (/dev/stdout, /dev/fd/1) are written
 * through their descriptor; a device, a FIFO or anything under /dev or
 * /proc is written in place. Signals that end the process are held while
 * the temporary file exists. binary: refuse to write onto a terminal.
 * Prints "charter: cannot write …" and returns 2 on failure, else 0. */
int output_replace(const char *file, const char *data, size_t len, bool binary);

#endif
