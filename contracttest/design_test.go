package contracttest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapRow is a row of DESIGN.md's map: a step, then the file where it happens and the
// functions or methods (Type.Name) of that file that do it.
var mapRow = regexp.MustCompile(`(?m)^\| ([^|]+) \| ([\w/.-]+\.go): ([\w., ]+) \|$`)

// TestDesignMapIsTrue holds DESIGN.md's map of a checkout's life to the code: every file it
// names exists and declares every function or method the row names there, so that the map
// cannot send a reader to a file that lost the step.
func TestDesignMapIsTrue(t *testing.T) {
	doc, err := os.ReadFile("DESIGN.md")
	require.NoError(t, err)
	rows := mapRow.FindAllStringSubmatch(string(doc), -1)
	require.GreaterOrEqual(t, len(rows), 20, "the map's rows are read")
	for _, row := range rows {
		step, file, names := row[1], row[2], row[3]
		declared := declaredIn(t, filepath.Join("..", file))
		for _, name := range strings.Split(names, ",") {
			name = strings.TrimSpace(name)
			assert.True(t, declared[name], "DESIGN.md: %q is at %s: %s, which declares no %s", step, file, names, name)
		}
	}
}

// declaredIn returns the functions (Name) and methods (Type.Name) file declares.
func declaredIn(t *testing.T, file string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	require.NoError(t, err, "DESIGN.md names %s", file)
	out := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fn.Recv == nil {
			out[fn.Name.Name] = true
			continue
		}
		typ := fn.Recv.List[0].Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		if index, ok := typ.(*ast.IndexExpr); ok {
			typ = index.X
		}
		out[typ.(*ast.Ident).Name+"."+fn.Name.Name] = true
	}
	return out
}
