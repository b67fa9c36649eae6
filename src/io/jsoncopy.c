/* Copying chosen records of a JSON or NDJSON input as they were written: the rejects file of a
 * JSON import holds the rejected records themselves, one per line, each with its reason. */
#include "tidu/io.h"

#include <stdio.h>
#include <string.h>

/* Writes `s` as a JSON string (quotes, backslashes and control characters escaped). */
static void json_string_out(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", out);
    else if (*p == '\t')
      fputs("\\t", out);
    else if (*p < 0x20)
      fprintf(out, "\\u%04x", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

/* Writes the object text[start..end] on one line, the reason first: a line break outside a
 * string is white space, and JSON strings hold none, so replacing each by a space keeps the
 * record the same. */
static void copy_object(FILE *out, const char *text, size_t start, size_t end, const char *reason) {
  size_t p = start + 1; /* after '{' */
  size_t q = p;
  while (q < end && (text[q] == ' ' || text[q] == '\t' || text[q] == '\n' || text[q] == '\r')) q++;
  fputc('{', out);
  json_string_out(out, TIDU_REJECT_COLUMN);
  fputc(':', out);
  json_string_out(out, reason ? reason : "");
  if (text[q] != '}') fputc(',', out);
  for (; p <= end; p++) fputc(text[p] == '\n' || text[p] == '\r' ? ' ' : text[p], out);
  fputc('\n', out);
}

size_t tidu_json_copy_records(const char *text, size_t len, const long *lines,
                              const char *const *reasons, size_t n, FILE *out) {
  size_t i = 0, copied = 0;
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) i = 3;
  size_t k = i;
  while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) k++;
  int top = k < len && text[k] == '[' ? 1 : 0; /* the depth records start at */
  long line = 1;
  for (size_t c = 0; c < i; c++) line += text[c] == '\n';
  int depth = 0, in_str = 0;
  size_t start = 0, want = 0;
  long start_line = 0;
  for (; i < len; i++) {
    char ch = text[i];
    if (ch == '\n') line++;
    if (in_str) {
      if (ch == '\\')
        i++; /* the escaped character (never a line break in valid JSON) */
      else if (ch == '"')
        in_str = 0;
      continue;
    }
    if (ch == '"') {
      in_str = 1;
    } else if (ch == '{' || ch == '[') {
      if (ch == '{' && depth == top) {
        start = i;
        start_line = line;
      }
      depth++;
    } else if (ch == '}' || ch == ']') {
      depth--;
      if (ch == '}' && depth == top) {
        while (want < n && lines[want] < start_line) want++;
        if (want < n && lines[want] == start_line) {
          copy_object(out, text, start, i, reasons[want]);
          copied++;
        }
      }
      if (depth < 0) break;
    }
  }
  return copied;
}
