# vgrad: plain Makefile. `make` builds build/vgrad and build/vgrad_tests; `make test` runs
# every test; `make help` lists the user-facing jobs.
CXX      ?= g++
BUILD    ?= build
# Default: x86-64 with AVX2 and FMA (Intel Haswell, 2013, and later; AMD Zen and later; the
# binary dies with SIGILL elsewhere). `make NATIVE=1` tunes for the CPU that builds it.
ARCH     := $(if $(NATIVE),-march=native,-mavx2 -mfma)
OPT      ?= -O3
BLAS_INC := -I/usr/include/x86_64-linux-gnu/openblas-openmp
# Eigen (header-only) for Spectra's eigensolver, which models/spectral.cpp alone includes.
EIGEN_INC := -I/usr/include/eigen3
# -fno-trapping-math lets g++ vectorise loops with selects (relu, the stable sigmoid) and
# -fno-math-errno lets sqrt become one instruction; we never enable floating-point traps nor
# read errno after math calls, so results are unchanged.
# -g1 (line tables only) is enough for a sanitizer's stack trace and compiles faster.
DEBUG    ?= -g
CXXFLAGS += -std=c++20 $(OPT) $(SAN) $(ARCH) -fno-trapping-math -fno-math-errno $(DEBUG) -Wall -Wextra -fopenmp -I. $(BLAS_INC) $(EIGEN_INC) -MMD -MP
LDLIBS   += -lopenblas -ldnnl -lz -fopenmp

# Two archives, as the layers: libvgrad.a is the library (autograd, nn, datasets, models);
# libvgrad_tools.a is the command line's code (tools/*/), which the tests link too so they can
# drive the runners. Only tools/cli/main.cpp is outside both.
MAIN_SRC := tools/cli/main.cpp
LIB_SRC  := $(wildcard autograd/*.cpp autograd/ops/*.cpp nn/*.cpp datasets/*.cpp models/*.cpp)
# tools/cli/commands.cpp includes the commands' files (cmd_*.cpp, reproduce_report.cpp), so they
# are compiled once together and never alone: see that file for why.
CMD_SRC  := $(wildcard tools/cli/cmd_*.cpp) tools/cli/reproduce_report.cpp
TOOL_SRC := $(filter-out $(MAIN_SRC) $(CMD_SRC),$(wildcard tools/*/*.cpp))
TEST_SRC := $(wildcard tests/*.cpp)
LIB_OBJ  := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.cpp=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.cpp=$(BUILD)/%.o)

.PHONY: all deps test sanitize data check format format-check clean help vgae-cora gae-cora vae-mnist \
        ae-mnist reproduce bench bench-torch
all: deps $(BUILD)/vgrad $(BUILD)/vgrad_tests

# Compile on every core unless the caller chose -j: the first build is most of the time a
# fresh `make vgae-cora` takes. Objects wait for deps (order-only) so that a fresh machine
# has g++ and OpenBLAS before the first compile starts.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc)
endif

# Installs missing Debian packages; prints nothing and does nothing when all are present.
deps:
	@bash tools/scripts/deps.sh

# The command line's files are CLI11 templates: -O1 compiles them in about half the time of
# -O3 (tools/cli/cmd_train.cpp: 76 s against 142 s on a loaded 2-core machine) and they do no
# numeric work, so results are unchanged. A sanitize build passes its own OPT, which wins.
$(BUILD)/tools/cli/%.o: OPT := $(subst -O3,-O1,$(OPT))
# The test files drive the library (built at OPT) and do little numeric work of their own:
# -O1 compiles them in about half the time of -O3 (tests/main.cpp, doctest's runner: 4.9 s
# against 9.3 s), and under the sanitizers -O0 in about half of -O1's (8.8 s against 15.3 s).
# TEST_OPT comes last on the line, so it wins over OPT.
TEST_OPT ?= $(subst -O3,-O1,$(OPT))
$(BUILD)/tests/%.o: CXXFLAGS += $(TEST_OPT)
# Except a test that compares the library's loops with the bits of vecmath.h's inline scalar
# functions compiled in the test itself: those bits depend on the level (at -O1 its exp check
# failed against the -O3 library; a*b+c fused into an FMA or not), so it gets the library's OPT.
$(BUILD)/tests/test_vecmath.o: CXXFLAGS += $(OPT)

$(BUILD)/%.o: %.cpp Makefile | deps
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libvgrad.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libvgrad_tools.a: $(TOOL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/vgrad: $(MAIN_OBJ) $(BUILD)/libvgrad_tools.a $(BUILD)/libvgrad.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/vgrad_tests: $(TEST_OBJ) $(BUILD)/libvgrad_tools.a $(BUILD)/libvgrad.a
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

# Tests may read data/ when it is there (the real-data cases skip themselves otherwise).
test: all
	$(BUILD)/vgrad_tests $(TEST_ARGS)

# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own tree;
# the sanitized vgrad too, which tests/test_bad_input.cpp runs beside the test binary.
# The library and the commands at -O1 (SAN is kept apart from OPT so that the per-folder
# levels above still apply), the test files at -O0: see TEST_OPT.
sanitize: deps
	$(MAKE) BUILD=build/sanitize DEBUG=-g1 OPT=-O1 TEST_OPT=-O0 SAN="-fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" build/sanitize/vgrad build/sanitize/vgrad_tests
	ASAN_OPTIONS=detect_leaks=1 build/sanitize/vgrad_tests $(TEST_ARGS)

data:
	@bash tools/scripts/fetch_data.sh all

# The main jobs: build, fetch the data they need, train with the reference settings, write
# runs/NAME/ (metrics.jsonl, checkpoint.ckpt, pictures) and print the result as JSON.
VGRAD := $(BUILD)/vgrad
vgae-cora gae-cora: deps $(BUILD)/vgrad
	@bash tools/scripts/fetch_data.sh cora
	$(VGRAD) train --model $(@:-cora=) --dataset cora --out runs/$@ $(ARGS)
vae-mnist ae-mnist: deps $(BUILD)/vgrad
	@bash tools/scripts/fetch_data.sh mnist
	$(VGRAD) train --model $(@:-mnist=) --dataset mnist --out runs/$@ $(ARGS)

# Table 1 of the paper: SC, DeepWalk, GAE*, VGAE*, GAE, VGAE on Cora, Citeseer, Pubmed, 10 seeds
# each, into runs/reproduce/ (table.md, table.json, table1.png); finished cells are kept.
reproduce: deps $(BUILD)/vgrad
	@bash tools/scripts/fetch_data.sh cora citeseer pubmed
	$(VGRAD) reproduce $(ARGS)

# Speed and memory (runs/bench.md, about 5 minutes): each job at 1 and 2 threads as its own
# process, GFLOP/s against this machine's sgemm, the speed targets, and how the exact and
# sampled GAE losses scale with N. bench-torch adds the same jobs in PyTorch (Debian's
# python3-torch; its dense Pubmed decoder needs ~12 GB and adds 15-25 minutes).
bench: deps $(BUILD)/vgrad
	@bash tools/scripts/fetch_data.sh cora pubmed mnist
	$(VGRAD) bench $(ARGS)
bench-torch: deps $(BUILD)/vgrad
	@bash tools/scripts/fetch_data.sh cora pubmed mnist
	sh tools/bench/torch/install.sh
	$(VGRAD) bench --torch $(ARGS)

# Every source file under ~400 lines, so each reads in one sitting.
check:
	@bash tools/scripts/check_size.sh

# The style is .clang-format's (tests/.clang-format lifts the column limit for tables).
# format-check changes nothing and fails on the first file clang-format would change.
FORMAT_SRC := $(wildcard autograd/*.cpp autograd/*.h autograd/ops/*.cpp autograd/ops/*.h \
                nn/*.cpp nn/*.h datasets/*.cpp datasets/*.h models/*.cpp models/*.h \
                tools/*/*.cpp tools/*/*.h tests/*.cpp tests/*.h tests/fuzz/*.cpp tests/fuzz/*.h)
CLANG_FORMAT ?= clang-format
format:
	@bash tools/scripts/deps.sh format
	$(CLANG_FORMAT) -i $(FORMAT_SRC)
format-check:
	@bash tools/scripts/deps.sh format
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files as .clang-format says"

clean:
	rm -rf $(BUILD)

help:
	@echo "make            build build/vgrad and build/vgrad_tests"
	@echo "make test       run every test (the README's test command)"
	@echo "make sanitize   run the tests under ASan + UBSan"
	@echo "make data       fetch and verify datasets into data/"
	@echo "make vgae-cora  train VGAE on Cora (also gae-cora, vae-mnist, ae-mnist; ARGS=... adds flags)"
	@echo "make reproduce  the paper's Table 1 (6 methods x Cora/Citeseer/Pubmed, 10 seeds; resumable)"
	@echo "make bench      speed, memory, GFLOP/s and loss scaling into runs/bench.md (bench-torch: beside PyTorch)"
	@echo "make check      every source file within 400 lines; make format-check: as .clang-format says"
	@echo "make fuzz       libFuzzer on the IDX, edge-list, graph-folder and checkpoint readers"

include tests/fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
