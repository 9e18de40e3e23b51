# vgrad: plain Makefile. `make` builds build/vgrad and build/vgrad_tests; `make test` runs
# every test; `make help` lists the user-facing jobs.
CXX      ?= g++
BUILD    ?= build
# Portable by default; `make NATIVE=1` tunes for this CPU.
ARCH     := $(if $(NATIVE),-march=native,-mavx2 -mfma)
OPT      ?= -O3
BLAS_INC := -I/usr/include/x86_64-linux-gnu/openblas-openmp
# Eigen (header-only) for Spectra's eigensolver, which models/spectral.cpp alone includes.
EIGEN_INC := -I/usr/include/eigen3
# -fno-trapping-math lets g++ vectorise loops with selects (relu, the stable sigmoid) and
# -fno-math-errno lets sqrt become one instruction; we never enable floating-point traps nor
# read errno after math calls, so results are unchanged.
CXXFLAGS += -std=c++20 $(OPT) $(ARCH) -fno-trapping-math -fno-math-errno -g -Wall -Wextra -fopenmp -I. $(BLAS_INC) $(EIGEN_INC) -MMD -MP
LDLIBS   += -lopenblas -lz -fopenmp

# Two archives, as the layers: libvgrad.a is the library (autograd, nn, datasets, models);
# libvgrad_tools.a is the command line's code (tools/*/), which the tests link too so they can
# drive the runners. Only tools/cli/main.cpp is outside both.
MAIN_SRC := tools/cli/main.cpp
LIB_SRC  := $(wildcard autograd/*.cpp autograd/ops/*.cpp nn/*.cpp datasets/*.cpp models/*.cpp)
TOOL_SRC := $(filter-out $(MAIN_SRC),$(wildcard tools/*/*.cpp))
TEST_SRC := $(wildcard tests/*.cpp)
LIB_OBJ  := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.cpp=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.cpp=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.cpp=$(BUILD)/%.o)

.PHONY: all deps test sanitize data check format clean help vgae-cora gae-cora vae-mnist \
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
sanitize: deps
	$(MAKE) BUILD=build/sanitize OPT="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" build/sanitize/vgrad build/sanitize/vgrad_tests
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

format:
	clang-format -i $(LIB_SRC) $(TOOL_SRC) $(MAIN_SRC) $(TEST_SRC) $(wildcard */*.h tools/*/*.h)

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
	@echo "make fuzz       libFuzzer on the IDX, edge-list, graph-folder and checkpoint readers"

include tests/fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
