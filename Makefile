# Every target is a plain go (or npm) command; `make help` lists them.
SHELL := /usr/bin/env bash
GO ?= go
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

.PHONY: generate
generate: ## Regenerate gen/ from openapi.yaml.
	$(GO) generate ./...

.PHONY: check-generated
check-generated: generate ## Regenerate and fail on any difference or new file in the tree.
	@changed=$$(git status --porcelain -- gen go.mod go.sum); [ -z "$$changed" ] || { \
		echo "generated code is stale (run 'make generate' and commit):"; echo "$$changed"; git --no-pager diff -- gen | head -40; exit 1; }

.PHONY: lint
lint: ## gofmt, go vet and golangci-lint.
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$unformatted" ] || { echo "gofmt: $$unformatted"; exit 1; }
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...

.PHONY: test
test: ## Run every test (race detector on).
	$(GO) test -race -count=1 ./...

.PHONY: check-spec
check-spec: ## Lint openapi.yaml with Redocly and generate TypeScript types from it (npm, pinned).
	bash .ci/spec-checks
