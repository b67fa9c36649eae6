/* libFuzzer entry point for the XLSX reader: the streaming row source on any bytes (never a
 * crash or a leak, every cell a NUL-terminated string of its stated length), then the whole
 * firm reader over the same bytes (every firm survives tidu_firm_to_json and back). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/rowsrc.h"
#include "io_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tidu_rowsrc src;
  tidu_error err;
  if (tidu_xlsx_rowsrc_mem("fuzz.xlsx", data, size, NULL, &src, &err) != 0) {
    if (!err.message[0]) __builtin_trap();
    return 0;
  }
  tidu_row row;
  long rows = 0;
  int rc;
  while (rows < 100000 && (rc = src.next(src.ctx, &row, &err)) == 1) {
    for (size_t i = 0; i < row.ncells; i++)
      if (strlen(row.cells[i]) != row.lens[i]) __builtin_trap();
    rows++;
  }
  if (rc < 0 && !err.message[0]) __builtin_trap();
  src.close(src.ctx);
  if (io_check_input(data, size, TIDU_FMT_XLSX) != 0) __builtin_trap();
  return 0;
}
