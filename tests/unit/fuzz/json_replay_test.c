/* Replays fuzz/corpus/json (seeds and every crash input found) through fuzz/fuzz_json.c. */
#include "../../../fuzz/fuzz_json.c"
#define REPLAY_DIR "fuzz/corpus/json"
#include "replay.h"
