/* libFuzzer entry point for the CSV firm reader: never a crash or leak, and every firm read
 * survives tidu_firm_to_json and back unchanged. */
#include <stddef.h>
#include <stdint.h>

#include "io_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  io_check_values(data, size);
  if (io_check_input(data, size, TIDU_FMT_CSV) != 0) __builtin_trap();
  return 0;
}
