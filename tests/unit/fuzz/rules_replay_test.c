/* Replays fuzz/corpus/rules (seeds and every crash input found) through fuzz/fuzz_rules.c. */
#include "../../../fuzz/fuzz_rules.c"
#define REPLAY_DIR "fuzz/corpus/rules"
#include "replay.h"
