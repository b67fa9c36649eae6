# Build, test and demo for tidu. Sources are found by folder; nothing is listed twice.
#   make            release build: build/release/tidu (and build/release/libtidu.so)
#   make check      install missing packages, then every test in release and ASan+UBSan builds
#   make demo       install missing packages, build, and run the main job on the bundled sample
#   make fuzz       build the libFuzzer targets and run each for FUZZ_SECONDS
#   make check-oom  the allocation-failure test failing every allocation in turn (ASan+UBSan)
#   make format     clang-format every C file in place

CC       ?= gcc
CFG      ?= release
BUILD    ?= build/$(CFG)
GEN      := $(BUILD)/gen
WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wvla -Wformat=2
CSTD     := -std=c17 -D_GNU_SOURCE
INC      := -Iinclude -Isrc -I$(GEN) $(shell pkg-config --cflags libpq 2>/dev/null)
LIBS     := -ljansson -lsqlite3 -lpq -lzip -lexpat -lxlsxwriter -lmicrohttpd -lsodium -lpthread -lm

# Assertions state our own invariants: on in the asan (test) and debug builds, off in release.
ifeq ($(CFG),release)
  OPT := -O2 -g -DNDEBUG
else ifeq ($(CFG),asan)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else ifeq ($(CFG),debug)
  OPT := -O0 -g
endif

CFLAGS   := $(CSTD) $(WARN) $(OPT) $(INC) $(EXTRA_CFLAGS)
LDFLAGS  := $(LDSAN) $(EXTRA_LDFLAGS)

LIB_DIRS := core rules assess io store app programme server
LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c)) $(GEN)/builtin_rules.c \
            $(GEN)/web_assets.c
CLI_SRC  := $(wildcard src/cli/*.c)
RULES    := rules/prelude.tidu $(sort $(wildcard rules/*/*.tidu)) $(sort $(wildcard rules/tags/*.tags))
LIB_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
CLI_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
TEST_SRC := $(wildcard tests/unit/*/*_test.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
FUZZ_SRC := $(wildcard fuzz/*.c)
FUZZ_SECONDS ?= 60

.PHONY: all check check-oom test demo deps fuzz format clean bench
all: $(BUILD)/tidu $(BUILD)/libtidu.so

$(GEN)/embed: tools/embed.c | $(GEN)
	$(CC) -std=c17 -O1 -o $@ tools/embed.c

$(GEN)/builtin_rules.c: $(RULES) $(GEN)/embed
	$(GEN)/embed $(RULES) > $@.tmp && mv $@.tmp $@

# The web UI and ECharts (npm, pinned by web/package-lock.json) are compiled into the binary.
WEB      := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg web/pages/*.js))
ECHARTS  := web/node_modules/echarts/dist/echarts.min.js
$(GEN)/web_assets.c: $(WEB) web/node_modules/.tidu-stamp docs/openapi.json $(GEN)/embed
	$(GEN)/embed -t tidu_web_files -i server/assets.h -s web/ $(WEB) $(ECHARTS) docs/openapi.json \
	  > $@.tmp && mv $@.tmp $@

web/node_modules/.tidu-stamp: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(GEN):
	mkdir -p $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The library's objects are position-independent and export only what the public headers mark
# TIDU_API (include/tidu/api.h); the command and the tests link the static archive, and
# libtidu.so is the shared build whose exported symbols tests/cli/symbols.sh checks.
$(LIB_OBJ): CFLAGS += -fPIC -fvisibility=hidden -fno-semantic-interposition

$(BUILD)/libtidu.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libtidu.so: $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tidu: $(CLI_OBJ) $(BUILD)/libtidu.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libtidu.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtidu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libtidu.a $(LDFLAGS) $(LIBS) -lcmocka

test: $(BUILD)/tidu $(BUILD)/libtidu.so $(TEST_BIN)
	@BUILD=$(BUILD) CFG=$(CFG) sh tests/run.sh

deps:
	@sh scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory CFG=release BUILD=build/release test
	@$(MAKE) --no-print-directory CFG=asan BUILD=build/asan test

# The default test run fails a sample of the allocations of each case; this fails every one.
check-oom:
	@$(MAKE) --no-print-directory CFG=asan BUILD=build/asan build/asan/tests/app/oom_test
	TIDU_OOM_ALL=1 build/asan/tests/app/oom_test

demo: deps
	@$(MAKE) --no-print-directory CFG=release all
	@sh scripts/demo.sh build/release/tidu

fuzz: deps
	@sh scripts/fuzz.sh $(FUZZ_SECONDS)

bench: deps
	@$(MAKE) --no-print-directory CFG=release all
	@sh bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
