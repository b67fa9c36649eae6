/* libFuzzer entry point for the streaming XLSX reader: any bytes, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "io/rowsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tidu_rowsrc src;
  tidu_error err;
  if (tidu_xlsx_rowsrc_mem("fuzz.xlsx", data, size, NULL, &src, &err) != 0) return 0;
  tidu_row row;
  long rows = 0;
  while (rows < 100000 && src.next(src.ctx, &row, &err) == 1) {
    for (size_t i = 0; i < row.ncells; i++)
      if (row.lens[i] && row.cells[i][row.lens[i] - 1] == '\0') return -1;
    rows++;
  }
  src.close(src.ctx);
  return 0;
}
