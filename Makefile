# fos: the two commands a user needs are `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
POPULATION ?= 1000
SEED ?= 1
OUT ?= fos-out

.PHONY: all setup configure build run test bench lint format clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD)/build.ninja: | setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DFOS_DEVELOPER_MODE=ON >/dev/null

configure: setup $(BUILD)/build.ninja

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(BUILD)/src/cli/fos pipeline run -p $(POPULATION) -s $(SEED) --out $(OUT)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@$(BUILD)/bench/fos_bench
	@./bench/generate.sh

lint: configure
	@./scripts/lint.sh $(BUILD)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf $(BUILD)
