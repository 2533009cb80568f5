/* The words of a measurement's flags (runtime/store.h, ObsFlag). */
#include "store.h"

#include <string.h>

const char *const obs_flag_names[OBS_FLAG_COUNT] = {"provisional", "estimated", "unstable", "suppressed", "break"};

bool obs_flags_parse(const char *s, size_t n, unsigned *flags, const char **bad, size_t *badlen) {
  *flags = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ') i++;
    size_t start = i;
    while (i < n && s[i] != ';') i++;
    size_t end = i;
    while (end > start && s[end - 1] == ' ') end--;
    if (end > start) {
      int k = 0;
      while (k < OBS_FLAG_COUNT && !(strlen(obs_flag_names[k]) == end - start && memcmp(obs_flag_names[k], s + start, end - start) == 0)) k++;
      if (k == OBS_FLAG_COUNT) {
        *bad = s + start;
        *badlen = end - start;
        return false;
      }
      *flags |= 1u << k;
    }
    if (i < n) i++; /* the ';' */
  }
  return true;
}

void obs_flags_text(unsigned flags, char out[64]) {
  size_t at = 0;
  out[0] = '\0';
  for (int k = 0; k < OBS_FLAG_COUNT; k++) {
    if (!(flags & (1u << k))) continue;
    size_t len = strlen(obs_flag_names[k]);
    if (at) out[at++] = ';';
    memcpy(out + at, obs_flag_names[k], len);
    at += len;
    out[at] = '\0';
  }
}
