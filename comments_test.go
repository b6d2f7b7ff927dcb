package checkout_test

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestCommentReferences holds every name and file a comment of the module points at to what
// exists: a doc link (a name in square brackets: of the package, a method or field of one of
// its types, or a name of another package), a package-qualified name in backquotes, one in
// prose (for the module's own packages), and the path of a file. The same holds for the
// Markdown documents, whose qualified names in backquotes and paths are checked. A comment
// that names what is not there sends its reader nowhere.
func TestCommentReferences(t *testing.T) {
	for _, problem := range checkReferences(t, ".") {
		t.Error(problem)
	}
}

// TestCommentReferencesChecker attacks the checker with a tree in which each kind of
// reference is false once and true once: every false one must be named (a checker that
// skips methods, fields, other packages, backquotes, prose, paths or Markdown would miss
// one), and no true one (a checker that flags anything in brackets would flag them).
func TestCommentReferencesChecker(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) { writeFile(t, dir, name, text) }
	write("go.mod", "module example.com/m\n\ngo 1.26.0\n")
	write("lib/lib.go", `// Package lib is referred to.
package lib

// Thing is a thing.
type Thing struct {
	// Field is a field.
	Field int
}

// Do does it.
func (Thing) Do() {}

// Make makes a Thing.
func Make() Thing { return Thing{} }
`)
	write("app/app.go", `// Package app refers to lib: [lib.Thing], [lib.Thing.Do], [*lib.Thing], [lib.Make],
// [lib.Thing.Field], [Local], [Local.Run], [error], [http.Handler], [net/http.Handler],
// `+"`lib.Make`"+`, lib.Thing, app/app.go and ../lib/lib.go are true; [lib.Gone],
// [lib.Thing.Undo], [Missing], [Local.Stop], [http.Handlr], `+"`lib.Unmade`"+`, lib.Absent and
// app/gone.go are false. A [bracketed remark] and [1] are prose.
package app

import (
	"net/http"

	"example.com/m/lib"
)

// Local is local.
type Local struct{}

// Run runs [lib.Missing].
func (Local) Run(http.Handler) { lib.Make().Do() }
`)
	write("README.md", "`lib.Make` and lib/lib.go are true; `lib.Nothing` and docs/none.md are false.\n")
	got := checkReferences(t, dir)
	want := []string{
		"README.md:1: `lib.Nothing`: no Nothing in example.com/m/lib",
		"README.md:1: docs/none.md: no such file",
		"app/app.go:3: [lib.Gone]: no Gone in example.com/m/lib",
		"app/app.go:4: [lib.Thing.Undo]: no Thing.Undo in example.com/m/lib",
		"app/app.go:4: [Missing]: no Missing in example.com/m/app",
		"app/app.go:4: [Local.Stop]: no Local.Stop in example.com/m/app",
		"app/app.go:4: [http.Handlr]: no Handlr in net/http",
		"app/app.go:4: `lib.Unmade`: no Unmade in example.com/m/lib",
		"app/app.go:4: lib.Absent: no Absent in example.com/m/lib",
		"app/app.go:5: app/gone.go: no such file",
		"app/app.go:17: [lib.Missing]: no Missing in example.com/m/lib",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the checker found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A reference a comment can hold.
var (
	// docLink is a doc link: a name, a name of a type's member, or either of another package
	// (by its name or its import path), in square brackets, optionally starred; not a Markdown
	// link (brackets then parentheses) nor a link definition (brackets then a colon).
	docLink = regexp.MustCompile(`\[(\*?)((?:[\w.-]+/)*[\w-]+(?:\.[A-Za-z_]\w*){0,2})\]([(:]?)`)
	// quoted is a `pkg.Name` or `pkg.Name.Name` in backquotes.
	quoted = regexp.MustCompile("`\\*?([a-z][a-z0-9]*)\\.([A-Z]\\w*(?:\\.[A-Za-z_]\\w*)?)")
	// prose is a pkg.Name in running text.
	prose = regexp.MustCompile(`(?:^|[\s(,;"'])([a-z][a-z0-9]*)\.([A-Z]\w*(?:\.[A-Z]\w*)?)\b`)
	// filePath is a file of the module: a path with a directory, or a file of its root.
	filePath = regexp.MustCompile(`(?:^|[\s(\x60"'\[])((?:\.\./)*(?:[\w-]+/)+[\w.-]+\.(?:go|yaml|json|md|mod|html|js|css)|openapi(?:-3\.1)?\.yaml|docs_test\.go|comments_test\.go|tools\.go|Makefile)(?:$|[\s).,;:\x60"'#\]])`)
)

// checkReferences returns, for every reference of a comment or a Markdown document under root
// that points nowhere, "file:line: reference: why".
func checkReferences(t *testing.T, root string) []string {
	t.Helper()
	idx := newIndex(t, root)
	var problems []string
	walkFiles(t, root, func(rel string) {
		switch {
		case strings.HasSuffix(rel, ".go"):
			problems = append(problems, idx.checkGoFile(t, root, rel)...)
		case strings.HasSuffix(rel, ".md"):
			problems = append(problems, idx.checkMarkdown(t, root, rel)...)
		}
	})
	return problems
}

// walkFiles calls fn with the path, relative to root, of every file of the module's own:
// not in a hidden directory (.git, .ci's tools), node_modules or test data.
func walkFiles(t *testing.T, root string, fn func(rel string)) {
	t.Helper()
	err := filepath.WalkDir(root, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, file)
		switch name := d.Name(); {
		case !d.IsDir():
			fn(rel)
		case rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata"):
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// index knows the names each package declares: by import path, the top-level names, and
// Type.Method and Type.Field.
type index struct {
	modules  map[string]string // directory (relative to root) → module path, for each go.mod
	names    map[string]map[string]bool
	dirs     map[string]string   // import path → directory, for the module's packages
	byName   map[string][]string // package name → import paths, for the module's packages
	std      map[string][]string // last element of a standard library path → paths
	fset     *token.FileSet
	rootPath string
}

func newIndex(t *testing.T, root string) *index {
	t.Helper()
	idx := &index{modules: map[string]string{}, names: map[string]map[string]bool{}, dirs: map[string]string{},
		byName: map[string][]string{}, std: map[string][]string{}, fset: token.NewFileSet(), rootPath: root}
	walkFiles(t, root, func(rel string) {
		if filepath.Base(rel) != "go.mod" {
			return
		}
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(data); m != nil {
			idx.modules[filepath.Dir(rel)] = string(m[1])
		}
	})
	// Every module's go.mod is known before a package's import path is worked out.
	walkFiles(t, root, func(rel string) {
		if !strings.HasSuffix(rel, ".go") {
			return
		}
		f, err := parser.ParseFile(idx.fset, filepath.Join(root, rel), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		importPath := idx.importPath(filepath.Dir(rel))
		idx.dirs[importPath] = filepath.Dir(rel)
		name := strings.TrimSuffix(f.Name.Name, "_test")
		if !slices.Contains(idx.byName[name], importPath) {
			idx.byName[name] = append(idx.byName[name], importPath)
		}
		idx.declare(importPath, f)
	})
	return idx
}

// importPath is the import path of the package in dir (relative to root).
func (idx *index) importPath(dir string) string {
	best := ""
	for moduleDir := range idx.modules {
		if (moduleDir == "." || dir == moduleDir || strings.HasPrefix(dir, moduleDir+string(filepath.Separator))) && len(moduleDir) >= len(best) {
			best = moduleDir
		}
	}
	rel := dir
	if best != "." {
		rel, _ = filepath.Rel(best, dir)
	}
	if rel == "." {
		return idx.modules[best]
	}
	return idx.modules[best] + "/" + filepath.ToSlash(rel)
}

// declare notes f's names under importPath.
func (idx *index) declare(importPath string, f *ast.File) {
	names := idx.names[importPath]
	if names == nil {
		names = map[string]bool{}
		idx.names[importPath] = names
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				names[d.Name.Name] = true
				continue
			}
			names[recvName(d.Recv.List[0].Type)+"."+d.Name.Name] = true
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
					declareMembers(names, s.Name.Name, s.Type)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
}

// declareMembers notes the fields and methods a type's declaration holds, embedded ones by
// their type's name.
func declareMembers(names map[string]bool, typeName string, expr ast.Expr) {
	var fields *ast.FieldList
	switch t := expr.(type) {
	case *ast.StructType:
		fields = t.Fields
	case *ast.InterfaceType:
		fields = t.Methods
	default:
		return
	}
	for _, field := range fields.List {
		for _, n := range field.Names {
			names[typeName+"."+n.Name] = true
		}
		if len(field.Names) == 0 {
			names[typeName+"."+recvName(field.Type)] = true
		}
	}
}

// recvName is the name of a receiver's or embedded field's type: T for T, *T, T[P], pkg.T.
func recvName(expr ast.Expr) string {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// has reports whether the package at importPath declares name (Name or Type.Member), reading
// a standard library package the first time it is asked about.
func (idx *index) has(importPath, name string) bool {
	names, ok := idx.names[importPath]
	if !ok {
		names = idx.readStd(importPath)
	}
	if names[name] {
		return true
	}
	// A method of an embedded type is the outer type's too.
	typ, member, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	for n := range names {
		if embedded, found := strings.CutPrefix(n, typ+"."); found && names[embedded] && names[embedded+"."+member] {
			return true
		}
	}
	return false
}

// readStd indexes the standard library package importPath (nothing when there is none).
func (idx *index) readStd(importPath string) map[string]bool {
	names := map[string]bool{}
	idx.names[importPath] = names
	pkg, err := build.Import(importPath, "", build.FindOnly)
	if err != nil || !pkg.Goroot {
		return names
	}
	entries, err := os.ReadDir(pkg.Dir)
	if err != nil {
		return names
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(idx.fset, filepath.Join(pkg.Dir, e.Name()), nil, parser.SkipObjectResolution)
		if err == nil {
			idx.declare(importPath, f)
		}
	}
	return names
}

// stdPaths returns the standard library packages whose last element is name.
func (idx *index) stdPaths(name string) []string {
	if paths, ok := idx.std[name]; ok {
		return paths
	}
	var paths []string
	for _, candidate := range []string{name, "net/" + name, "net/http/" + name, "encoding/" + name, "crypto/" + name,
		"math/" + name, "go/" + name, "text/" + name, "html/" + name, "io/" + name, "hash/" + name, "unicode/" + name,
		"container/" + name, "testing/" + name, "log/" + name, "os/" + name, "runtime/" + name, "path/" + name, "net/url"} {
		if path.Base(candidate) != name {
			continue
		}
		if pkg, err := build.Import(candidate, "", build.FindOnly); err == nil && pkg.Goroot {
			paths = append(paths, candidate)
		}
	}
	idx.std[name] = paths
	return paths
}

// predeclared are the names a doc link may name without a package: Go's predeclared
// identifiers.
var predeclared = strings.Fields("any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close complex copy delete imag len make max min new panic print println real recover")

// checkGoFile checks the references of file's comments.
func (idx *index) checkGoFile(t *testing.T, root, rel string) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(idx.fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	self := idx.importPath(filepath.Dir(rel))
	imports := map[string][]string{} // name in this file → import paths
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		name := path.Base(p)
		if is.Name != nil {
			name = is.Name.Name
		} else if paths := idx.byName[name]; len(paths) == 0 {
			// A module package whose name is not its directory's.
			for n, ps := range idx.byName {
				if slices.Contains(ps, p) {
					name = n
				}
			}
		}
		imports[name] = append(imports[name], p)
	}
	var problems []string
	for _, cg := range f.Comments {
		for i, line := range strings.Split(commentText(src, idx.fset, cg), "\n") {
			at := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), idx.fset.Position(cg.Pos()).Line+i)
			problems = append(problems, idx.checkLine(at, line, self, imports, true)...)
			problems = append(problems, idx.checkPaths(root, rel, at, line)...)
		}
	}
	return problems
}

// commentText is the comment group's text as written, one line per source line, without
// the comment markers.
func commentText(src []byte, fset *token.FileSet, cg *ast.CommentGroup) string {
	text := string(src[fset.Position(cg.Pos()).Offset:fset.Position(cg.End()).Offset])
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "//")
		l = strings.TrimPrefix(l, "/*")
		lines[i] = strings.TrimSuffix(l, "*/")
	}
	return strings.Join(lines, "\n")
}

// checkLine checks the doc links (when links is set), backquoted and prose references of one
// line of text, written in package self with imports.
func (idx *index) checkLine(at, line, self string, imports map[string][]string, links bool) []string {
	var problems []string
	if links {
		for _, m := range docLink.FindAllStringSubmatch(line, -1) {
			if m[3] != "" {
				continue // a Markdown link or a link definition
			}
			if why, ok := idx.resolveLink(m[2], self, imports); !ok && why != "" {
				problems = append(problems, fmt.Sprintf("%s: [%s%s]: %s", at, m[1], m[2], why))
			}
		}
	}
	for _, m := range quoted.FindAllStringSubmatch(line, -1) {
		if why := idx.resolveQualified(m[1], m[2], imports, true); why != "" {
			problems = append(problems, fmt.Sprintf("%s: `%s.%s`: %s", at, m[1], m[2], why))
		}
	}
	for _, m := range prose.FindAllStringSubmatchIndex(line, -1) {
		pkg, name := line[m[2]:m[3]], line[m[4]:m[5]]
		if m[2] > 0 && line[m[2]-1] == '`' {
			continue // checked as quoted
		}
		if why := idx.resolveQualified(pkg, name, nil, false); why != "" {
			problems = append(problems, fmt.Sprintf("%s: %s.%s: %s", at, pkg, name, why))
		}
	}
	return problems
}

// notLinks are bracketed words that are prose, never names: a word in capitals (a marker
// such as REDACTED, a placeholder such as PAYLOAD_FILE) or a single capital (a type
// parameter).
var notLinks = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// resolveLink says why the doc link text names nothing, or reports that it does; why is ""
// with ok false for text that is no doc link at all (a remark in brackets).
func (idx *index) resolveLink(text, self string, imports map[string][]string) (why string, ok bool) {
	if notLinks.MatchString(text) {
		return "", false
	}
	// A name qualified by an import path (net/http.Handler).
	if slash := strings.LastIndex(text, "/"); slash >= 0 {
		dot := strings.Index(text[slash:], ".")
		if dot < 0 {
			return "", false
		}
		p, name := text[:slash+dot], text[slash+dot+1:]
		if !idx.has(p, name) {
			return fmt.Sprintf("no %s in %s", name, p), false
		}
		return "", true
	}
	parts := strings.Split(text, ".")
	first := parts[0]
	if first == "" || !unicode.IsLetter(rune(first[0])) && first[0] != '_' {
		return "", false
	}
	// A name of this package, or Type.Member.
	if idx.has(self, text) || len(parts) == 1 && slices.Contains(predeclared, text) {
		return "", true
	}
	// pkg.Name, pkg.Type.Member.
	if len(parts) >= 2 {
		if candidates := idx.candidates(first, imports); len(candidates) > 0 {
			name := strings.Join(parts[1:], ".")
			for _, p := range candidates {
				if idx.has(p, name) {
					return "", true
				}
			}
			return fmt.Sprintf("no %s in %s", name, strings.Join(candidates, " or ")), false
		}
	}
	if len(parts) == 1 && !unicode.IsUpper(rune(first[0])) {
		return "", false // [word]: a remark, or a package link left to the reader
	}
	return fmt.Sprintf("no %s in %s", text, self), false
}

// variables are the names of the module's packages that its documents also use for a value
// (a Browser's page), which prose and Markdown do not qualify by: page.Status is a Page's.
var variables = []string{"page"}

// resolveQualified says why pkg.name names nothing in the package pkg stands for, "" when it
// names something or pkg is no package the check knows (in prose: only the module's own
// packages are checked, since a word before a dot may be anything).
func (idx *index) resolveQualified(pkg, name string, imports map[string][]string, std bool) string {
	if !std && slices.Contains(variables, pkg) {
		return ""
	}
	candidates := idx.byName[pkg]
	if len(candidates) == 0 && std {
		candidates = idx.candidates(pkg, imports)
	}
	if len(candidates) == 0 {
		return ""
	}
	for _, p := range candidates {
		if idx.has(p, name) {
			return ""
		}
	}
	return fmt.Sprintf("no %s in %s", name, strings.Join(candidates, " or "))
}

// candidates are the packages a qualifier stands for: the file's import of that name, else
// the module's packages of that name, else the standard library's.
func (idx *index) candidates(name string, imports map[string][]string) []string {
	if paths := imports[name]; len(paths) > 0 {
		return paths
	}
	if paths := idx.byName[name]; len(paths) > 0 {
		return paths
	}
	return idx.stdPaths(name)
}

// checkPaths checks the paths one line names: relative to the root, or to the directory of
// the file that names them.
func (idx *index) checkPaths(root, rel, at, line string) []string {
	var problems []string
	for _, m := range filePath.FindAllStringSubmatch(line, -1) {
		p := m[1]
		if isFile(filepath.Join(root, p)) || isFile(filepath.Join(root, filepath.Dir(rel), p)) || isDir(filepath.Join(root, filepath.Dir(p))) && strings.Contains(p, "*") {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: %s: no such file", at, p))
	}
	return problems
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// checkMarkdown checks a Markdown document's backquoted references and paths.
func (idx *index) checkMarkdown(t *testing.T, root, rel string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for i, line := range strings.Split(string(data), "\n") {
		at := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), i+1)
		for _, m := range quoted.FindAllStringSubmatch(line, -1) {
			if why := idx.resolveQualified(m[1], m[2], nil, false); why != "" {
				problems = append(problems, fmt.Sprintf("%s: `%s.%s`: %s", at, m[1], m[2], why))
			}
		}
		problems = append(problems, idx.checkPaths(root, rel, at, line)...)
	}
	return problems
}
