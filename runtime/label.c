/* Text for Graphviz's HTML-like labels: escaped so that no title can
 * become markup, wrapped at a width in columns estimated per code point. */
#include <string.h>

#include "escape.h"
#include "render.h"

/* Columns a code point takes: 2 for East Asian wide characters and emoji,
 * 0 for combining marks, joiners, variation selectors and skin tones, 1
 * otherwise. An estimate for wrapping only; a zero-width code point never
 * starts a line, so a mark stays with its letter. */
static int cp_width(uint32_t c) {
  static const uint32_t zero[][2] = {
      {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
      {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
      {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902},
      {0x093A, 0x093A}, {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
      {0x0962, 0x0963}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF},
      {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
      {0x1F3FB, 0x1F3FF}, {0xE0100, 0xE01EF}};
  static const uint32_t wide[][2] = {
      {0x1100, 0x115F}, {0x231A, 0x231B}, {0x23E9, 0x23F3}, {0x2600, 0x27BF}, {0x2B50, 0x2B55},
      {0x2E80, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
      {0xFFE0, 0xFFE6}, {0x1F000, 0x1FAFF}, {0x20000, 0x3FFFD}};
  for (size_t i = 0; i < sizeof zero / sizeof *zero; i++)
    if (c >= zero[i][0] && c <= zero[i][1]) return 0;
  for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
    if (c >= wide[i][0] && c <= wide[i][1]) return 2;
  return 1;
}

/* Decodes the code point at s (valid UTF-8: the scanner checked it; a stray
 * byte counts as itself). */
static int next_cp(const char *s, size_t n, uint32_t *c) {
  int k = utf8_decode((const unsigned char *)s, n, c);
  if (k == 0) {
    *c = 0xFFFD;
    k = 1;
  }
  return k;
}

/* One code point as label text. */
static void put_cp(Buf *out, const char *s, int k, uint32_t c) {
  switch (c) {
  case '&': buf_puts(out, "&amp;"); return;
  case '<': buf_puts(out, "&lt;"); return;
  case '>': buf_puts(out, "&gt;"); return;
  case '"': buf_puts(out, "&quot;"); return;
  case '\\': buf_puts(out, "\\\\"); return; /* Graphviz expands \N, \G… in labels */
  default: break;
  }
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) buf_putc(out, ' ');
  else if (esc_is_hidden(c)) {
    /* a bidi control: dropped, so none reorders the text of a drawing */
  } else if (c == 0xFFFD || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) /* a stray byte, noncharacters */
    buf_puts(out, "\xEF\xBF\xBD");
  else buf_add(out, s, (size_t)k);
}

/* The width of c after prev: what follows a zero-width joiner joins the
 * glyph before it (👩‍💻 is one emoji). */
static int joined_width(uint32_t prev, uint32_t c) { return prev == 0x200D ? 0 : cp_width(c); }

static int text_width(const char *s, size_t n) {
  int w = 0;
  uint32_t prev = 0;
  for (size_t i = 0; i < n;) {
    uint32_t c;
    i += (size_t)next_cp(s + i, n - i, &c);
    w += joined_width(prev, c);
    prev = c;
  }
  return w;
}

/* One line (no line ends) wrapped greedily at width columns; a word longer
 * than a line is cut between code points. */
static void wrap_line(Buf *out, const char *s, size_t n, int width) {
  int col = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t j = i;
    while (j < n && s[j] != ' ' && s[j] != '\t') j++;
    if (j == i) break;
    int w = text_width(s + i, j - i);
    if (col > 0 && width > 0 && col + 1 + w > width) {
      buf_puts(out, "<BR/>");
      col = 0;
    } else if (col > 0) {
      buf_putc(out, ' ');
      col++;
    }
    uint32_t prev = 0;
    while (i < j) {
      uint32_t c;
      int k = next_cp(s + i, j - i, &c);
      int cw = joined_width(prev, c);
      prev = c;
      if (width > 0 && col > 0 && cw > 0 && col + cw > width) {
        buf_puts(out, "<BR/>");
        col = 0;
      }
      put_cp(out, s + i, k, c);
      col += cw;
      i += (size_t)k;
    }
  }
}

void render_html_text(Buf *out, const char *s, int width) {
  size_t n = strlen(s);
  bool first = true;
  for (size_t i = 0; i <= n;) {
    size_t e = i;
    while (e < n && s[e] != '\n') e++;
    size_t end = e;
    if (end > i && s[end - 1] == '\r') end--;
    if (!first) buf_puts(out, "<BR/>");
    wrap_line(out, s + i, end - i, width);
    first = false;
    i = e + 1;
  }
}

