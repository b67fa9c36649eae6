/* libFuzzer entry point for the JSON and NDJSON firm readers: never a crash or leak, and every
 * firm read survives tidu_firm_to_json and back unchanged. */
#include <stddef.h>
#include <stdint.h>

#include "io_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (io_check_input(data, size, TIDU_FMT_JSON) != 0) __builtin_trap();
  if (io_check_input(data, size, TIDU_FMT_NDJSON) != 0) __builtin_trap();
  return 0;
}
