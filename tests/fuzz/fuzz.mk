# Fuzzing the file readers with libFuzzer (clang only; g++ has no libFuzzer). Included by the
# Makefile; everything lives in build/fuzz/. See tests/fuzz/README.md.
#   make fuzz         each target for FUZZ_SECONDS (default 60), fails on any crash
#   make fuzz-smoke   the same for 10 s each (CI)
FUZZ_CXX     ?= clang++
FUZZ_SECONDS ?= 60
# Targets run side by side, each one process on one core.
FUZZ_JOBS    ?= $(shell nproc)
FUZZ_OUT     := build/fuzz
FUZZ_TARGETS := idx edge_list graph_folder checkpoint
# Library code is instrumented too (fuzzer-no-link) so coverage guides into the readers;
# recover=off turns every UBSan report into a crash libFuzzer saves.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_FLAGS   := -std=c++20 -O1 -g -fopenmp -I. -I/usr/include/x86_64-linux-gnu/openblas-openmp -MMD -MP
FUZZ_LIBS    := -lopenblas -ldnnl -lz -fopenmp
# Only the files the targets and make_seeds link (13 of the 36 in autograd/, autograd/ops/,
# datasets/, which this once compiled whole: the other 23 were compiled by clang with ASan and
# never linked). A reader that comes to need another file fails to link, naming a symbol of it:
# add that file here. A half-finished file elsewhere cannot break the fuzz build.
FUZZ_LIB_SRC := autograd/random.cpp autograd/sparse.cpp autograd/storage.cpp autograd/tensor.cpp \
                datasets/edge_list.cpp datasets/fields.cpp datasets/graph.cpp datasets/idx.cpp \
                datasets/keyed_files.cpp datasets/limits.cpp datasets/text_file.cpp \
                nn/checkpoint.cpp nn/atomic_file.cpp
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.cpp=$(FUZZ_OUT)/obj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz_%)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-check-clang
fuzz: fuzz-build
	@FUZZ_JOBS=$(FUZZ_JOBS) bash tests/fuzz/run.sh $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FUZZ_JOBS=$(FUZZ_JOBS) bash tests/fuzz/run.sh $(FUZZ_OUT) 10 $(FUZZ_TARGETS)

fuzz-build: fuzz-check-clang $(FUZZ_BINS) $(FUZZ_OUT)/seeds/.done

# Says what is missing instead of installing it (`make deps` installs clang + compiler-rt).
fuzz-check-clang:
	@command -v $(FUZZ_CXX) >/dev/null || { echo "fuzz: $(FUZZ_CXX) not found; install clang and libclang-rt-14-dev (or run make deps)" >&2; exit 1; }
	@echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' | \
	  $(FUZZ_CXX) -x c++ -fsanitize=fuzzer,address,undefined - -o /dev/null 2>/dev/null || \
	  { echo "fuzz: $(FUZZ_CXX) cannot link libFuzzer; install libclang-rt-14-dev (or run make deps)" >&2; exit 1; }

$(FUZZ_OUT)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

# Keep the targets' objects: make would delete them as intermediates of the pattern rules.
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/obj/tests/fuzz/fuzz_%.o) $(FUZZ_OUT)/obj/tests/fuzz/make_seeds.o

$(FUZZ_OUT)/libvgrad_fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/obj/tests/fuzz/fuzz_%.o $(FUZZ_OUT)/libvgrad_fuzz.a
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(FUZZ_LIBS)

$(FUZZ_OUT)/make_seeds: $(FUZZ_OUT)/obj/tests/fuzz/make_seeds.o $(FUZZ_OUT)/libvgrad_fuzz.a
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $^ -o $@ $(FUZZ_LIBS)

# Rebuilt (seeds wiped and rewritten) whenever the writers change.
$(FUZZ_OUT)/seeds/.done: $(FUZZ_OUT)/make_seeds
	rm -rf $(FUZZ_OUT)/seeds
	$(FUZZ_OUT)/make_seeds $(FUZZ_OUT)/seeds
	@touch $@

-include $(FUZZ_LIB_OBJ:.o=.d) $(wildcard $(FUZZ_OUT)/obj/tests/fuzz/*.d)
