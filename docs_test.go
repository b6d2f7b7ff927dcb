package checkout_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The markers of a snippet region in a _test.go file: the lines between them are the text a
// document may show as Go, compiled by the module's tests.
const (
	regionStart = "// snippet: "
	regionEnd   = "// end snippet"
)

// docPackages are the packages whose doc comments' Go code blocks must compile.
var docPackages = []string{"client", "contracttest", "examples/shop"}

// proseBlocks are the code blocks of doc comments that are not Go (tables, messages), by the
// start of their first line; a listed block that parses as Go is an error.
var proseBlocks = []string{
	"fault                     operation", // client: what each fault does to each call
	"genuine               2xx",           // contracttest: the receiver suite's cases
}

// TestDocSnippets holds every Go snippet of the module's README.md files and of the doc
// comments of client, contracttest and examples/shop to code that compiles: each is either
// the text of a snippet region of a _test.go file (compared without indentation), or Go
// that builds on its own in a package with its imports.
func TestDocSnippets(t *testing.T) {
	regions, blocks := scanModule(t, ".")
	if len(blocks) == 0 || len(regions) == 0 {
		t.Fatalf("found %d Go snippets and %d snippet regions: the scan is broken", len(blocks), len(regions))
	}
	used := map[string]bool{}
	for _, b := range blocks {
		if r, ok := matchRegion(b, regions); ok {
			used[r.name] = true
			continue
		}
		if err := buildsAlone(t.Context(), ".", b.text); err != nil {
			t.Errorf("%s", unprovenSnippet(b, regions, err))
		}
	}
	for _, r := range regions {
		if !used[r.name] {
			t.Errorf("%s:%d: snippet region %q is shown by no document: remove its markers, or show its text", r.file, r.line, r.name)
		}
	}
}

// TestDocSnippetsChecker attacks the checker: a region that is not compiled code, a block
// that differs from its region by a character, and a block that does not build are each
// refused with its file, line and what to do; a self-contained block builds.
func TestDocSnippetsChecker(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) { writeFile(t, dir, name, text) }
	write("a/a_test.go", "package a\n\nfunc f() {\n\t// snippet: good\n\tx := 1\n\t_ = x\n\t// end snippet\n}\n\n"+
		"/*\n// snippet: commented\nnot code\n// end snippet\n*/\n")
	write("testdata/c_test.go", "package c\n\n// snippet: hidden\nvar z = 3\n// end snippet\n")
	write("README.md", "# x\n\n```go\nx := 1\n_ = x\n```\n\n```go\nx := 1\n_ = y\n```\n\n```go\nvar y = 2\n```\n\n```sh\nnot go\n```\n")
	if _, err := findRegions("b_test.go", []byte("//go:build ignore\n\npackage b\n\n// snippet: tagged\nvar y = 2\n// end snippet\n")); err == nil ||
		!strings.Contains(err.Error(), "b_test.go:5: snippet region in a file with build constraints") {
		t.Errorf("a region in a file the tests may not compile: %v", err)
	}
	regions, blocks := scanModule(t, dir)
	var names []string
	for _, r := range regions {
		names = append(names, r.name)
	}
	if !slices.Equal(names, []string{"good"}) {
		t.Fatalf("regions %v, want only the compiled one (not in a block comment, nor under testdata)", names)
	}
	if len(blocks) != 3 || blocks[1].line != 9 {
		t.Fatalf("blocks %+v, want the three ```go blocks, the second at line 9", blocks)
	}
	if _, ok := matchRegion(blocks[0], regions); !ok {
		t.Errorf("the block equal to region good was not matched")
	}
	if _, ok := matchRegion(blocks[1], regions); ok {
		t.Errorf("a block that differs from its region was matched")
	}
	msg := unprovenSnippet(blocks[1], regions, buildsAlone(t.Context(), ".", blocks[1].text))
	for _, want := range []string{"README.md:9:", `closest region "good"`, `line 2 reads "_ = y", the region's "_ = x"`,
		"undefined: y", "// snippet: NAME"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message does not say %q:\n%s", want, msg)
		}
	}
	if err := buildsAlone(t.Context(), ".", "amount, err := client.ParseAmount(\"1000.50\")\n_, _ = amount, err"); err != nil {
		t.Errorf("a self-contained block with its imports did not build: %v", err)
	}
	if err := buildsAlone(t.Context(), ".", blocks[2].text); err != nil {
		t.Errorf("a declaration did not build on its own: %v", err)
	}
}

// snippetRegion is the text between a region's markers.
type snippetRegion struct {
	name, file string
	line       int
	text       string
}

// docBlock is a Go snippet of a document.
type docBlock struct {
	file string
	line int
	text string
}

// scanModule finds, under root, the snippet regions of the _test.go files and the Go
// snippets of the README.md files and of the doc comments of docPackages, skipping what the
// go command skips (testdata, directories starting with . or _) and other modules.
func scanModule(t *testing.T, root string) ([]snippetRegion, []docBlock) {
	t.Helper()
	var (
		regions []snippetRegion
		blocks  []docBlock
	)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || isFile(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case name == "README.md":
			blocks = append(blocks, readmeBlocks(rel, string(src))...)
		case strings.HasSuffix(name, "_test.go") && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, "."):
			found, err := findRegions(rel, src)
			if err != nil {
				return err
			}
			regions = append(regions, found...)
		case strings.HasSuffix(name, ".go") && slices.Contains(docPackages, filepath.ToSlash(filepath.Dir(rel))):
			found, err := docCommentBlocks(rel, src)
			if err != nil {
				return err
			}
			blocks = append(blocks, found...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]snippetRegion{}
	for _, r := range regions {
		if first, ok := seen[r.name]; ok {
			t.Fatalf("%s:%d: snippet region %q is also at %s:%d: give each region its own name", r.file, r.line, r.name, first.file, first.line)
		}
		seen[r.name] = r
	}
	return regions, blocks
}

// writeFile writes text to the file name (a path, its directories made) under dir.
func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// findRegions returns the regions of a _test.go file: between a "// snippet: NAME" line
// comment and the next "// end snippet", both real comments of the parsed file (not inside a
// /* */ comment or a string), no /* */ comment between them, in a file without build
// constraints (which the module's tests might not compile).
func findRegions(file string, src []byte) ([]snippetRegion, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var (
		out    []snippetRegion
		open   *snippetRegion
		offset int // of the open region's first line
	)
	for _, g := range f.Comments {
		for _, c := range g.List {
			pos := fset.Position(c.Pos())
			switch {
			case strings.HasPrefix(c.Text, "/*") && open != nil:
				return nil, fmt.Errorf("%s:%d: a /* */ comment inside snippet region %q: its text would not be code", file, pos.Line, open.name)
			case strings.HasPrefix(c.Text, regionStart):
				if open != nil {
					return nil, fmt.Errorf("%s:%d: snippet region %q starts before %q ended", file, pos.Line, c.Text[len(regionStart):], open.name)
				}
				if constrained(f) {
					return nil, fmt.Errorf("%s:%d: snippet region in a file with build constraints, which the tests may not compile", file, pos.Line)
				}
				open = &snippetRegion{name: strings.TrimSpace(c.Text[len(regionStart):]), file: file, line: pos.Line}
				offset = fset.Position(c.End()).Offset + 1
			case c.Text == regionEnd:
				if open == nil {
					return nil, fmt.Errorf("%s:%d: %q without a region", file, pos.Line, regionEnd)
				}
				lineStart := strings.LastIndexByte(string(src[:pos.Offset]), '\n') + 1
				open.text = dedent(string(src[offset:lineStart]))
				out = append(out, *open)
				open = nil
			}
		}
	}
	if open != nil {
		return nil, fmt.Errorf("%s:%d: snippet region %q has no %q", file, open.line, open.name, regionEnd)
	}
	return out, nil
}

// constrained reports whether f has a //go:build or // +build line.
func constrained(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "//go:build") || strings.HasPrefix(c.Text, "// +build") {
				return true
			}
		}
	}
	return false
}

// readmeBlocks returns the ```go blocks of a Markdown file, each at the line of its first
// line of code.
func readmeBlocks(file, text string) []docBlock {
	var out []docBlock
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		out = append(out, docBlock{file: file, line: i + 2, text: dedent(strings.Join(lines[i+1:end], "\n"))})
		i = end
	}
	return out
}

// docCommentBlocks returns the code blocks of a Go file's doc comments that are Go: every
// one but the proseBlocks, which must not parse as Go.
func docCommentBlocks(file string, src []byte) ([]docBlock, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var docs []*ast.CommentGroup
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.File:
			docs = append(docs, n.Doc)
		case *ast.GenDecl:
			docs = append(docs, n.Doc)
		case *ast.FuncDecl:
			docs = append(docs, n.Doc)
		case *ast.TypeSpec:
			docs = append(docs, n.Doc)
		case *ast.ValueSpec:
			docs = append(docs, n.Doc)
		case *ast.Field:
			docs = append(docs, n.Doc)
		}
		return true
	})
	var (
		p   comment.Parser
		out []docBlock
	)
	for _, g := range docs {
		if g == nil {
			continue
		}
		for _, b := range p.Parse(g.Text()).Content {
			code, ok := b.(*comment.Code)
			if !ok {
				continue
			}
			first, _, _ := strings.Cut(code.Text, "\n")
			line := fset.Position(g.Pos()).Line
			for _, c := range g.List {
				if strings.TrimSpace(strings.TrimPrefix(c.Text, "//")) == strings.TrimSpace(first) {
					line = fset.Position(c.Pos()).Line
					break
				}
			}
			if slices.ContainsFunc(proseBlocks, func(p string) bool { return strings.HasPrefix(first, p) }) {
				if parsesAsGo(code.Text) {
					return nil, fmt.Errorf("%s:%d: a code block listed in proseBlocks parses as Go: take it off the list", file, line)
				}
				continue
			}
			out = append(out, docBlock{file: file, line: line, text: dedent(code.Text)})
		}
	}
	return out, nil
}

// parsesAsGo reports whether text parses as Go declarations or statements.
func parsesAsGo(text string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", wrap(text), 0)
	return err == nil
}

// dedent removes the indentation every non-blank line shares, trailing spaces, and blank
// lines at the start and the end.
func dedent(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	prefix, first := "", true
	for _, l := range lines {
		if l == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return strings.Join(lines, "\n")
}

// matchRegion returns the region whose text is the block's.
func matchRegion(b docBlock, regions []snippetRegion) (snippetRegion, bool) {
	for _, r := range regions {
		if r.text == b.text {
			return r, true
		}
	}
	return snippetRegion{}, false
}

// snippetImports are the packages a self-contained snippet may use, by the name it uses.
var snippetImports = map[string]string{
	"client": "github.com/lakipay/checkout-go/client", "contracttest": "github.com/lakipay/checkout-go/contracttest",
	"shop": "github.com/lakipay/checkout-go/examples/shop", "context": "context", "errors": "errors", "fmt": "fmt",
	"http": "net/http", "httptest": "net/http/httptest", "json": "encoding/json", "os": "os", "slog": "log/slog",
	"strings": "strings", "time": "time", "url": "net/url",
}

// wrap is a snippet as a Go file of package snippet: declarations as they are, statements
// in a function.
func wrap(text string) string {
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package snippet\n"+text, 0); err == nil {
		return "package snippet\n" + text + "\n"
	}
	return "package snippet\n\nfunc _() {\n" + text + "\n}\n"
}

// buildsAlone builds the snippet on its own in a package of the module at root (added by
// an overlay, never written in the tree), importing each package of snippetImports whose
// name it uses as the left of a selector (x.Y), but those the compiler finds unused.
func buildsAlone(ctx context.Context, root, text string) error {
	src := wrap(text)
	f, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	imports := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && snippetImports[x.Name] != "" {
				imports[snippetImports[x.Name]] = true
			}
		}
		return true
	})
	out, err := buildOverlay(ctx, root, src, imports)
	unused := false
	for path := range imports {
		if strings.Contains(out, strconv.Quote(path)+" imported and not used") {
			delete(imports, path) // the name was a variable's, not the package's
			unused = true
		}
	}
	if unused {
		out, err = buildOverlay(ctx, root, src, imports)
	}
	if err != nil {
		return fmt.Errorf("%s", out)
	}
	return nil
}

// buildOverlay builds src, a file of package snippet, with imports, as the package
// internal/docsnippet of the module at root; it returns the compiler's output.
func buildOverlay(ctx context.Context, root, src string, imports map[string]bool) (string, error) {
	paths := slices.Sorted(maps.Keys(imports))
	for i, p := range paths {
		paths[i] = strconv.Quote(p)
	}
	file := "package snippet\n\nimport (\n" + strings.Join(paths, "\n") + "\n)\n" + strings.TrimPrefix(src, "package snippet\n")
	dir, err := os.MkdirTemp("", "docsnippet")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	written := filepath.Join(dir, "snippet.go")
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(abs, "internal", "docsnippet", "snippet.go"): written}})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(written, []byte(file), 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o600); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-overlay", filepath.Join(dir, "overlay.json"), "-o", os.DevNull, "./internal/docsnippet")
	cmd.Dir = abs
	out, err := cmd.CombinedOutput()
	return strings.ReplaceAll(strings.TrimSpace(string(out)), written, "snippet.go"), err
}

// unprovenSnippet says where a snippet is, why it is not proven to compile, and what to do.
func unprovenSnippet(b docBlock, regions []snippetRegion, buildErr error) string {
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s:%d: this Go snippet is not proven to compile: it is not the text of a snippet region of a _test.go "+
		"file, and it does not build on its own (wrapped in a package with its imports):\n%v\n", b.file, b.line, buildErr)
	if r, line, doc, region := closestRegion(b, regions); r != nil {
		fmt.Fprintf(&msg, "The closest region %q (%s:%d) differs at line %d: line %d reads %q, the region's %q.\n",
			r.name, r.file, r.line, line, line, doc, region)
	}
	msg.WriteString("Copy it from a test that compiles, between the lines `" + regionStart + "NAME` and `" + regionEnd +
		"` of a _test.go file (indentation is ignored), or make it self-contained.")
	return msg.String()
}

// closestRegion is the region that shares the most leading lines with the block, with the
// first line where they differ (1-based) and both texts of it.
func closestRegion(b docBlock, regions []snippetRegion) (*snippetRegion, int, string, string) {
	var (
		best       *snippetRegion
		bestShared = -1
	)
	docLines := strings.Split(b.text, "\n")
	for i := range regions {
		regionLines := strings.Split(regions[i].text, "\n")
		shared := 0
		for shared < len(docLines) && shared < len(regionLines) && docLines[shared] == regionLines[shared] {
			shared++
		}
		if shared > bestShared {
			best, bestShared = &regions[i], shared
		}
	}
	if bestShared < 1 {
		return nil, 0, "", "" // none is close
	}
	regionLines := strings.Split(best.text, "\n")
	at := func(lines []string) string {
		if bestShared < len(lines) {
			return lines[bestShared]
		}
		return "(nothing)"
	}
	return best, bestShared + 1, at(docLines), at(regionLines)
}
