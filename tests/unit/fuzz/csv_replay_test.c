/* Replays fuzz/corpus/csv (seeds and every crash input found) through fuzz/fuzz_csv.c. */
#include "../../../fuzz/fuzz_csv.c"
#define REPLAY_DIR "fuzz/corpus/csv"
#include "replay.h"
