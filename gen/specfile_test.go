package main

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// constants type-checks src, a Go file, as the compiler would and returns the value of each
// string constant it declares.
func constants(t *testing.T, src []byte) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "specfile.gen.go", src, parser.ParseComments)
	require.NoError(t, err)
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	_, err = (&types.Config{Importer: importer.Default()}).Check("specfile", fset, []*ast.File{file}, info)
	require.NoError(t, err)
	values := map[string]string{}
	for id, obj := range info.Defs {
		if c, ok := obj.(*types.Const); ok {
			values[id.Name] = constant.StringVal(c.Val())
		}
	}
	return values
}

// TestGoStringIsExact: every byte sequence comes back exactly from the constant goString
// writes, including what a raw string literal drops (a carriage return), ends at (a
// backquote) or Go source refuses (NUL, a byte order mark, bytes that are not UTF-8). A
// generator that wrote one raw literal fails here on all of them.
func TestGoStringIsExact(t *testing.T) {
	for _, s := range []string{
		"", "plain", "a`b", "`", "``x``", "line\r\nnext\r\n", "\r", "nul\x00byte",
		"\uFEFFat the start", "in the \uFEFF middle", "\xff\xfe not UTF-8 \xc3", "é € 😀 \t\n",
		"ends with a backquote`", "\"quoted\" and \\ backslash",
	} {
		t.Run(strconv.Quote(s), func(t *testing.T) {
			src := []byte("package specfile\n\nconst X = " + goString([]byte(s)) + "\n")
			assert.Equal(t, s, constants(t, src)["X"])
		})
	}
}

// TestSpecFileHoldsBothFilesExactly: the generated package's constants are openapi.yaml and
// its rendition, byte for byte, and the file keeps the spec readable (its lines appear as
// written, not as one escaped string), so that its diffs are the spec's.
func TestSpecFileHoldsBothFilesExactly(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", source))
	require.NoError(t, err)
	rendition, err := os.ReadFile(filepath.Join("..", "openapi-3.1.yaml"))
	require.NoError(t, err)
	src, err := specFile(spec)
	require.NoError(t, err)
	values := constants(t, src)
	assert.True(t, values["OpenAPI"] == string(spec), "OpenAPI is not openapi.yaml byte for byte")
	assert.True(t, values["OpenAPI31"] == string(rendition), "OpenAPI31 is not openapi-3.1.yaml byte for byte")
	// Checked as booleans: a failure must not print the whole file.
	assert.True(t, strings.Contains(string(src), "\ninfo:\n  title: LakiPay Hosted Checkout API\n"), "the spec's lines appear as written")
	assert.True(t, regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.\n`).Match(src), "the file says it is generated")
}
