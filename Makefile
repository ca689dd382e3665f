# frontdesk — one front door for the mobile app and the web admin.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO              ?= go
BIN             := $(CURDIR)/bin
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT   := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
MODULES         := . shared services bff-mobile bff-web
RUN_DIR         := $(CURDIR)/.run
TEST_FLAGS      ?= -race -count=1 -timeout=8m

.PHONY: help
help: ## List the targets
	@if [ -t 1 ]; then on='\033[36m'; off='\033[0m'; else on=''; off=''; fi; \
	  awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-18s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: build ## Build and start the demo services and both BFFs on embedded defaults (Ctrl-C stops all)
	@echo "starting demo services and both BFFs (Ctrl-C stops them)"
	@# On Ctrl-C (or any exit) stop the whole group once: the trap ignores the
	@# TERM it sends itself, so it does not run again (it used to recurse
	@# until bash crashed).
	@trap 'trap "" INT TERM; trap - EXIT; kill 0; wait; exit 0' INT TERM EXIT; \
	  $(BIN)/demo-services & \
	  $(BIN)/wait-ready http://127.0.0.1:3001/healthz http://127.0.0.1:3006/healthz; \
	  $(BIN)/bff-mobile & \
	  $(BIN)/bff-web & \
	  $(BIN)/wait-ready http://127.0.0.1:8081/readyz http://127.0.0.1:8082/readyz; \
	  echo; \
	  echo "  mobile GraphQL  http://127.0.0.1:8081/graphql   playground http://127.0.0.1:8081/playground"; \
	  echo "  web GraphQL     http://127.0.0.1:8082/graphql   playground http://127.0.0.1:8082/playground"; \
	  echo "  demo services   http://127.0.0.1:3001 … :3006   (GET /__stats, PUT /__faults)"; \
	  echo "  demo issuer     http://127.0.0.1:3000           (POST /token, docs/auth.md)"; \
	  echo "  logs            this terminal, all four processes (text in development; LOG_LEVEL=DEBUG adds upstream calls)"; \
	  echo; \
	  wait

.PHONY: build
build: ## Build the binaries into ./bin
	$(GO) build -o $(BIN)/ ./services/cmd/demo-services ./bff-mobile ./bff-web
	$(GO) build -o $(BIN)/wait-ready ./internal/waitready

.PHONY: test
test: ## Run every test of the workspace with the race detector (uses Redis when REDIS_ADDR is set)
	$(GO) test $(TEST_FLAGS) work

.PHONY: bench
bench: build ## Micro-benchmarks and the load benchmark on loopback (under 10 min); writes docs/benchmarks.md
	GO=$(GO) BIN=$(BIN) scripts/bench.sh

.PHONY: bench-slow
bench-slow: build ## Mobile product and home with a 3s reviews service vs healthy (~1 min); updates its section of docs/benchmarks.md
	GO=$(GO) BIN=$(BIN) scripts/bench.sh slow

.PHONY: bench-cpu
bench-cpu: build ## Instructions and allocations per query alone (valgrind callgrind, ~2 min); updates its section of docs/benchmarks.md
	GO=$(GO) BIN=$(BIN) scripts/bench.sh cpu

.PHONY: generate
generate: ## Regenerate the GraphQL executors of both BFFs from gqlgen.yml and schema/
	$(GO) run ./internal/codegen

.PHONY: check-generated
check-generated: ## Fail when committed generated code differs from `make generate`
	@$(MAKE) --no-print-directory generate >/dev/null
	@if ! git diff --quiet --exit-code -- bff-mobile/internal/graph bff-web/internal/graph || \
	    [ -n "$$(git status --porcelain --untracked-files=all -- bff-mobile/internal/graph bff-web/internal/graph)" ]; then \
	  echo "generated code is stale: run 'make generate' and commit the result"; \
	  git status --short -- bff-mobile/internal/graph bff-web/internal/graph; \
	  git --no-pager diff --stat -- bff-mobile/internal/graph bff-web/internal/graph; \
	  exit 1; \
	fi
	@echo "generated code is up to date"

.PHONY: update-golden
update-golden: ## Rewrite golden files (printed schemas, config defaults) from the current code
	$(GO) test work -run 'Golden' -count=1 -update

$(GOLANGCI_LINT):
	@mkdir -p $(BIN)
	cd $(BIN) && GOWORK=off GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(BIN)/golangci-lint $(GOLANGCI_LINT)

.PHONY: lint
lint: $(GOLANGCI_LINT) ## gofmt, go vet and golangci-lint (pinned, installed into ./bin) over every module
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet work
	@for m in $(MODULES); do echo "golangci-lint $$m"; (cd $$m && $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./...); done

.PHONY: tidy
tidy: ## go mod tidy in every module (outside the workspace, as a module user would)
	@for m in $(MODULES); do (cd $$m && GOWORK=off $(GO) mod tidy); done
	$(GO) work sync

.PHONY: playground-check
playground-check: build ## Drive both playgrounds of the real binaries in headless Chromium, offline (needs chromium and npm ci in scripts/playground)
	scripts/playground/check-bffs.sh

.PHONY: playground-assets
playground-assets: ## Re-vendor the playground's GraphiQL assets from npm (pinned versions)
	scripts/playground/vendor.sh

.PHONY: clean
clean: ## Remove built binaries
	rm -rf $(BIN) $(RUN_DIR)
