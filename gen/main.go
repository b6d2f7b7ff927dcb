// Command gen is the generation pipeline: every file the module generates from openapi.yaml,
// made by the steps below, in order. `make generate`, `go generate ./...` (the directive below)
// and `go run ./gen` run it from anywhere in the module.
//
// Every step writes into a staging directory; only when every step succeeded are the outputs
// moved into place (each by one rename, an unchanged file left untouched), so a step that fails
// leaves the tree as it was and says which step failed and why.
//
//go:generate go run .
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"go.yaml.in/yaml/v3"

	"github.com/lakipay/checkout-go/internal/contract"
	"github.com/lakipay/checkout-go/internal/contract/contractgen"
	"github.com/lakipay/checkout-go/internal/openapi31"
)

// source is the contract every step reads, relative to the module root.
const source = "openapi.yaml"

// step is one generation step: it reads the contract (root is the module root, spec the
// contract's bytes) and returns the content of output, a path relative to the module root.
type step struct {
	name   string
	output string
	run    func(ctx context.Context, root string, spec []byte) ([]byte, error)
}

// steps are every generation step, in order.
var steps = []step{
	// The models a merchant fills in and reads, in package client (oapi-codegen.yaml).
	{name: "oapi-codegen", output: "client/models.gen.go", run: models},
	// The contract compiled into Go, which the SDK, the fake and the transport validate with.
	{name: "contractgen", output: "internal/contract/contract.gen.go", run: func(ctx context.Context, _ string, spec []byte) ([]byte, error) {
		return contractgen.Generate(ctx, spec)
	}},
	// The OpenAPI 3.1 rendition, for generators that read webhooks only from 3.1.
	{name: "openapi31", output: "openapi-3.1.yaml", run: func(_ context.Context, _ string, spec []byte) ([]byte, error) {
		return openapi31.Render(spec, source)
	}},
	// Both contract files as Go constants, for the packages that serve them (internal/specfile).
	{name: "specfile", output: "internal/specfile/specfile.gen.go", run: func(_ context.Context, _ string, spec []byte) ([]byte, error) {
		return specFile(spec)
	}},
}

func main() {
	root, err := moduleRoot()
	if err == nil {
		err = generate(context.Background(), root, steps)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run gen inside the module")
		}
		dir = parent
	}
}

// generate runs every step on root's openapi.yaml into a staging directory and, only when all
// of them succeeded, moves their outputs into place.
func generate(ctx context.Context, root string, steps []step) error {
	spec, err := os.ReadFile(filepath.Join(root, source)) //nolint:gosec // G304: the module's own contract
	if err != nil {
		return err
	}
	staging, err := os.MkdirTemp(root, ".gen-staging-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(staging) }()
	staged := make([]string, len(steps))
	for i, s := range steps {
		out, err := s.run(ctx, root, spec)
		if err != nil {
			return fmt.Errorf("step %s (%s): %w; nothing was written", s.name, s.output, err)
		}
		staged[i] = filepath.Join(staging, fmt.Sprint(i))
		if err := os.WriteFile(staged[i], out, 0o644); err != nil { //nolint:gosec // generated source, world-readable like any other
			return err
		}
	}
	for i, s := range steps {
		dst := filepath.Join(root, filepath.FromSlash(s.output))
		if same(staged[i], dst) {
			continue
		}
		if err := os.Rename(staged[i], dst); err != nil {
			return fmt.Errorf("step %s: %w", s.name, err)
		}
	}
	return nil
}

// same reports whether the files a and b hold the same bytes.
func same(a, b string) bool {
	x, errA := os.ReadFile(a) //nolint:gosec // G304: the staged output
	y, errB := os.ReadFile(b) //nolint:gosec // G304: the output in place
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// models generates the models of package client with oapi-codegen, configured by
// oapi-codegen.yaml, every string format mapped to the Go type of contract.StringFormats.
func models(_ context.Context, root string, _ []byte) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join(root, "oapi-codegen.yaml")) //nolint:gosec // G304: the module's own configuration
	if err != nil {
		return nil, err
	}
	var cfg codegen.Configuration
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("oapi-codegen.yaml: %w", err)
	}
	cfg.OutputOptions.TypeMapping = typeMapping()
	cfg = cfg.UpdateDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("oapi-codegen.yaml: %w", err)
	}
	overlay := util.LoadSwaggerWithOverlayOpts{Path: filepath.Join(root, cfg.OutputOptions.Overlay.Path), Strict: true,
		AllowRemoteRefsFrom: cfg.AllowRemoteRefsFrom}
	doc, err := util.LoadSwaggerWithOverlay(filepath.Join(root, source), overlay)
	if err != nil {
		return nil, err
	}
	code, err := codegen.Generate(doc, cfg)
	if err != nil {
		return nil, err
	}
	return []byte(code), nil
}

// typeMapping maps every string format to the Go type contract.StringFormats names for it, and
// every other format oapi-codegen would map to a type of its own (email to net/mail's reading,
// uuid, date, ...) to string: the contract checks a string's format, and a generated type must
// never refuse, in json.Unmarshal, a value the contract accepts.
func typeMapping() *codegen.TypeMapping {
	formats := map[string]codegen.SimpleTypeSpec{}
	for name := range codegen.DefaultTypeMapping.String.Formats {
		formats[name] = codegen.SimpleTypeSpec{Type: "string"}
	}
	for _, f := range contract.StringFormats() {
		spec := codegen.SimpleTypeSpec{Type: f.GoType}
		if pkg, _, ok := strings.Cut(f.GoType, "."); ok {
			spec.Import = pkg
		}
		formats[f.Name] = spec
	}
	return &codegen.TypeMapping{String: codegen.FormatMapping{Default: codegen.SimpleTypeSpec{Type: "string"}, Formats: formats}}
}

// specFile writes package specfile: spec (openapi.yaml) and its 3.1 rendition, byte for byte, as
// the Go constants OpenAPI and OpenAPI31. It renders the rendition itself, as the openapi31
// step does (a pure function of spec), so that the two can never be of different specs.
func specFile(spec []byte) ([]byte, error) {
	rendition, err := openapi31.Render(spec, source)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by gen from openapi.yaml (make generate). DO NOT EDIT.\n\n")
	b.WriteString("package specfile\n\n")
	b.WriteString("// OpenAPI is openapi.yaml, byte for byte.\n")
	b.WriteString("const OpenAPI = " + goString(spec) + "\n\n")
	b.WriteString("// OpenAPI31 is openapi-3.1.yaml, the generated 3.1 rendition of OpenAPI, byte for byte.\n")
	b.WriteString("const OpenAPI31 = " + goString(rendition) + "\n")
	return format.Source(b.Bytes())
}

// goString is a Go constant expression whose value is exactly b: raw string literals, which
// keep the text readable (and its diffs those of the file), joined with interpreted ones for
// what a raw literal cannot hold (a backquote, a carriage return, which it drops, NUL, a byte
// order mark, which Go source refuses past its start, and bytes that are not UTF-8).
func goString(b []byte) string {
	var out strings.Builder
	parts := 0
	raw := -1 // where the open raw literal's text starts in b, -1 when none is open
	add := func(lit string) {
		if parts > 0 {
			out.WriteString(" + ")
		}
		out.WriteString(lit)
		parts++
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == '`' || r == '\r' || r == 0 || r == '\uFEFF' || (r == utf8.RuneError && size == 1) {
			if raw >= 0 {
				add("`" + string(b[raw:i]) + "`")
				raw = -1
			}
			add(strconv.Quote(string(b[i : i+size])))
		} else if raw < 0 {
			raw = i
		}
		i += size
	}
	if raw >= 0 {
		add("`" + string(b[raw:]) + "`")
	}
	if parts == 0 {
		return `""`
	}
	return out.String()
}
