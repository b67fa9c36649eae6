/* Replays fuzz/corpus/xlsx (seeds and every crash input found) through fuzz/fuzz_xlsx.c. */
#include "../../../fuzz/fuzz_xlsx.c"
#define REPLAY_DIR "fuzz/corpus/xlsx"
#include "replay.h"
