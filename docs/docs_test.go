// Package docs_test checks that the README and the pages of docs/ say what
// works: their Go programs build, the programs they generate code for
// generate, and the paths their commands and links name exist.
package docs_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

// A program block is a ```go fence directly after a comment naming the file
// it holds, relative to a directory of its own:
//
//	<!-- program: hello/main.go -->
//
// Blocks naming the same directory make one package. A ```go fence that is
// not so marked but starts with "package main" is a program on its own.
// Other Go blocks are fragments and are not built.
var programMarker = regexp.MustCompile(`^<!--\s*program:\s*(\S+)\s*-->$`)

// A vet block is a fence directly after a comment naming a program
// directory: it holds exactly what go vet -vettool=$(which isolatevet)
// prints there, the page's promise of a first finding.
//
//	<!-- vet: first -->
var vetMarker = regexp.MustCompile(`^<!--\s*vet:\s*(\S+)\s*-->$`)

// A commands block is a ```sh fence directly after a comment naming what
// its commands do; the quick start's install and module steps, for the
// published module and for a local checkout, are such blocks:
//
//	<!-- commands: local-install -->
var commandsMarker = regexp.MustCompile(`^<!--\s*commands:\s*(\S+)\s*-->$`)

type block struct {
	doc  string // the Markdown file, relative to the repository root
	line int    // line of the fence
	lang string
	file string // from the program marker, or "" for an unmarked block
	vet  string // from the vet marker: the program directory vetted
	cmds string // from the commands marker
	text string
}

// root is the repository root: the tests run in docs/.
const root = ".."

// pages returns README.md and every docs/*.md, relative to the root.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, filepath.ToSlash(rel))
	}
	return pages
}

// blocks returns the fenced code blocks of a Markdown file.
func blocks(t *testing.T, page string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		t.Fatal(err)
	}
	var (
		out  []block
		cur  *block
		prev string
		body strings.Builder
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			marker, vet, cmds := "", "", ""
			if m := programMarker.FindStringSubmatch(prev); m != nil {
				marker = m[1]
			}
			if m := vetMarker.FindStringSubmatch(prev); m != nil {
				vet = m[1]
			}
			if m := commandsMarker.FindStringSubmatch(prev); m != nil {
				cmds = m[1]
			}
			cur = &block{doc: page, line: n, lang: strings.TrimPrefix(trimmed, "```"), file: marker, vet: vet, cmds: cmds}
			body.Reset()
		case cur != nil && trimmed == "```":
			cur.text = body.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		}
		prev = trimmed
	}
	if cur != nil {
		t.Errorf("%s:%d: code block never closed", page, cur.line)
	}
	return out
}

// TestPrograms builds every program of the README and docs/ in a module
// of its own that requires this checkout, after running go generate where
// the program asks for it, and vets it with go vet's own checks. The tools
// and the module are made by the quick start's commands for a local
// checkout, run as written, so that path is followed end to end.
func TestPrograms(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	dependOnCheckout(t, abs)
	tmp, bin := localCheckout(t, abs)
	where := map[string]string{} // file in tmp → its block's position
	dirs := map[string]bool{}
	var vets []block
	for _, page := range pages(t) {
		for i, b := range blocks(t, page) {
			if b.vet != "" {
				vets = append(vets, b)
				continue
			}
			if b.lang != "go" {
				if b.file != "" {
					t.Errorf("%s:%d: program marker on a %q block, want go", b.doc, b.line, b.lang)
				}
				continue
			}
			file := b.file
			if file == "" {
				if !strings.HasPrefix(b.text, "package main\n") {
					continue // a fragment
				}
				file = fmt.Sprintf("%s-%d/main.go", strings.NewReplacer("/", "-", ".", "-").Replace(page), i)
			}
			if !strings.HasSuffix(file, ".go") || strings.Count(file, "/") != 1 || strings.Contains(file, "..") {
				t.Errorf("%s:%d: program file %q: want dir/name.go", b.doc, b.line, file)
				continue
			}
			if w, dup := where[file]; dup {
				t.Errorf("%s:%d: program file %s was already written by %s", b.doc, b.line, file, w)
				continue
			}
			where[file] = fmt.Sprintf("%s:%d", b.doc, b.line)
			dirs[filepath.Dir(file)] = true
			dst := filepath.Join(tmp, filepath.FromSlash(file))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, []byte(b.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no programs found: the block parser is broken")
	}

	goCmd := func(dir string, args ...string) *exec.Cmd {
		cmd := exec.Command(gotool, args...)
		cmd.Dir = dir
		// Offline, and blind to any workspace around the checkout.
		cmd.Env = offline(bin)
		return cmd
	}
	run := func(args ...string) {
		t.Helper()
		if out, err := goCmd(tmp, args...).CombinedOutput(); err != nil {
			t.Errorf("go %s: %v\n%s\nprograms: %v", strings.Join(args, " "), err, out, where)
		}
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	slices.Sort(sorted)
	for _, d := range sorted {
		files, _ := filepath.Glob(filepath.Join(tmp, d, "*.go"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			if bytes.Contains(data, []byte("\n//go:generate ")) {
				run("generate", "./"+d)
				break
			}
		}
	}
	if t.Failed() {
		return
	}
	run("vet", "./...")
	if t.Failed() || len(vets) == 0 {
		return
	}

	vettool := filepath.Join(bin, "isolatevet")
	for _, b := range vets {
		if !dirs[b.vet] {
			t.Errorf("%s:%d: vet block names %q, which is no program directory", b.doc, b.line, b.vet)
			continue
		}
		vet := goCmd(filepath.Join(tmp, b.vet), "vet", "-vettool="+vettool, ".")
		vet.Env = append(vet.Env, "GOFLAGS=-mod=mod") // positions as a user sees them, not trimmed
		out, _ := vet.CombinedOutput()
		var got strings.Builder
		for line := range strings.Lines(string(out)) {
			if !strings.HasPrefix(line, "# ") { // go vet's package header
				got.WriteString(line)
			}
		}
		if got.String() != b.text {
			t.Errorf("%s:%d: go vet -vettool=isolatevet in %s prints\n%s\nthe page says\n%s", b.doc, b.line, b.vet, got.String(), b.text)
		}
	}
}

// offline is the environment of the go commands the tests run: offline, on
// the host's module and build caches, blind to any workspace around the
// checkout, with bin first on $PATH and as $GOBIN. GOSUMDB is off because
// the checksum database cannot be reached offline: the modules come from
// the host's module cache, which verified them when it downloaded them.
// -trimpath keeps the directory of each new run out of the build cache's
// keys, so that a second run builds nothing again.
func offline(bin string) []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod -trimpath", "GOPROXY=off", "GOWORK=off", "GOSUMDB=off",
		"GOBIN="+bin, "PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
}

// commands returns the commands block of the quick start with this name.
func commands(t *testing.T, name string) block {
	t.Helper()
	var found []block
	for _, b := range blocks(t, "docs/quickstart.md") {
		if b.cmds == name {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("docs/quickstart.md: %d commands blocks named %s, want 1", len(found), name)
	}
	if found[0].lang != "sh" {
		t.Fatalf("%s:%d: commands block %s is %q, want sh", found[0].doc, found[0].line, name, found[0].lang)
	}
	return found[0]
}

// cloneLine is how the quick start gets a local checkout; the test stands
// in this checkout for the clone.
const cloneLine = "git clone https://github.com/go-isolate/isolate"

// localCheckout runs the quick start's commands for a local checkout, as
// written, in a new directory: the install (with this checkout standing in
// for the clone) and the module. It returns the module's directory and the
// directory the tools were installed in.
func localCheckout(t *testing.T, root string) (module, bin string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the quick start's commands")
	}
	tmp := t.TempDir()
	bin = filepath.Join(tmp, "bin")
	install := commands(t, "local-install")
	script, ok := strings.CutPrefix(install.text, cloneLine+"\n")
	if !ok {
		t.Fatalf("%s:%d: the local install does not start with %s", install.doc, install.line, cloneLine)
	}
	if err := os.Symlink(root, filepath.Join(tmp, "isolate")); err != nil {
		t.Skipf("cannot stand in for the clone: %v", err)
	}
	mod := commands(t, "local-module")
	first, _, _ := strings.Cut(mod.text, "\n")
	dir, ok := strings.CutPrefix(first, "mkdir ")
	dir, _, _ = strings.Cut(dir, " ")
	if !ok || first != "mkdir "+dir+" && cd "+dir {
		t.Fatalf("%s:%d: the local module does not start with mkdir DIR && cd DIR", mod.doc, mod.line)
	}
	for _, b := range []block{install, mod} {
		text := b.text
		if b.cmds == install.cmds {
			text = script
		}
		cmd := exec.Command(sh, "-e", "-c", text)
		cmd.Dir = tmp
		cmd.Env = offline(bin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s:%d: %s: %v\n%s", b.doc, b.line, b.cmds, err, out)
		}
	}
	for _, tool := range []string{"isolatevet", "isolategen"} {
		if _, err := exec.LookPath(filepath.Join(bin, tool)); err != nil {
			t.Fatalf("%s:%d: the local install did not install %s: %v", install.doc, install.line, tool, err)
		}
	}
	return filepath.Join(tmp, dir), bin
}

// published matches the commands of the published path: each names a main
// package of this module at @latest.
var published = regexp.MustCompile(`^go (?:install|get -tool) github\.com/go-isolate/isolate/(\S+)@latest$`)

// TestQuickstartPublished checks the quick start's commands for the
// published module as far as they can be without the network: each is
// well formed, names a command of this checkout at @latest, and the module
// step makes the module the local path makes.
func TestQuickstartPublished(t *testing.T) {
	install := commands(t, "published-install")
	var names []string
	for line := range strings.Lines(install.text) {
		m := published.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil || !strings.HasPrefix(line, "go install ") {
			t.Errorf("%s:%d: %q is not go install github.com/go-isolate/isolate/PATH@latest", install.doc, install.line, strings.TrimSpace(line))
			continue
		}
		names = append(names, "./"+m[1])
		checkMain(t, install, m[1])
	}
	local := commands(t, "local-install")
	if want := "(cd isolate && go install " + strings.Join(names, " ") + ")\n"; !strings.HasSuffix(local.text, want) {
		t.Errorf("%s:%d: the local install should install what the published one does: want it to end with %q", local.doc, local.line, want)
	}

	mod := commands(t, "published-module")
	lines := strings.Split(strings.TrimSuffix(mod.text, "\n"), "\n")
	localMod := strings.Split(commands(t, "local-module").text, "\n")
	if len(lines) != 3 || len(localMod) < 2 || lines[0] != localMod[0] || lines[1] != localMod[1] {
		t.Fatalf("%s:%d: want mkdir, go mod init as in the local module, then go get -tool; got %q", mod.doc, mod.line, lines)
	}
	m := published.FindStringSubmatch(lines[2])
	if m == nil || !strings.HasPrefix(lines[2], "go get -tool ") {
		t.Fatalf("%s:%d: %q is not go get -tool github.com/go-isolate/isolate/PATH@latest", mod.doc, mod.line, lines[2])
	}
	checkMain(t, mod, m[1])
	if !strings.Contains(commands(t, "local-module").text, "-tool=github.com/go-isolate/isolate/"+m[1]+"\n") {
		t.Errorf("%s:%d: the local module should record the tool the published one does, %s", mod.doc, mod.line, m[1])
	}
}

// checkMain checks that path, relative to the module root, holds a main
// package.
func checkMain(t *testing.T, b block, path string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(path), "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err == nil && regexp.MustCompile(`(?m)^package main$`).Match(data) {
			return
		}
	}
	t.Errorf("%s:%d: %s is no command of this module", b.doc, b.line, path)
}

// dependOnCheckout stats every Go source and module file of the checkout.
// The programs are built by go commands the test starts, whose reads go
// test cannot see; stat'ing the files itself makes go test's result cache
// notice when the code the programs depend on changes.
func dependOnCheckout(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if name := d.Name(); strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// command matches a go command of the README that names a path in this
// repository: go run ./examples/ticker, go test -race ./..., ...
var command = regexp.MustCompile(`\bgo (?:run|test|vet|build|generate|install)\b((?: +-\S+)*)((?: +\./\S*)+)`)

// TestReadmePaths checks that each ./path a go command of the README names
// exists in the checkout. An upper-case path element (./examples/NAME) is
// a placeholder: its parent must exist and hold at least one directory.
func TestReadmePaths(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, m := range command.FindAllStringSubmatch(string(data), -1) {
		for _, p := range strings.Fields(m[2]) {
			found++
			p = strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
			p = strings.TrimRight(p, "`.,;:)")
			if p == "" {
				continue // ./... and . are the root
			}
			elems := strings.Split(strings.TrimPrefix(p, "./"), "/")
			if last := elems[len(elems)-1]; last != "" && strings.ToUpper(last) == last && strings.ToLower(last) != last {
				parent := filepath.Join(append([]string{root}, elems[:len(elems)-1]...)...)
				entries, err := os.ReadDir(parent)
				if err != nil || !slices.ContainsFunc(entries, os.DirEntry.IsDir) {
					t.Errorf("README: %q: %s holds no directory for the placeholder %s", m[0], parent, last)
				}
				continue
			}
			if _, err := os.Stat(filepath.Join(append([]string{root}, elems...)...)); err != nil {
				t.Errorf("README: %q names %s, which does not exist", m[0], p)
			}
		}
	}
	if found == 0 {
		t.Error("README names no go command with a path: the pattern is broken")
	}
}

var codeSpan = regexp.MustCompile("`[^`]*`")

// prose returns a Markdown text without its code blocks and code spans,
// where brackets and parentheses are code, not links.
func prose(md string) string {
	var b strings.Builder
	fenced := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			b.WriteString(codeSpan.ReplaceAllString(line, ""))
		}
	}
	return b.String()
}

// link matches a relative Markdown link target: [text](target).
var link = regexp.MustCompile(`\]\(([^)\s#]+)(#[^)]*)?\)`)

// TestLinks checks that the relative links of the README and docs/ point
// at files of the checkout. Links that leave the repository (../shared)
// are not its to check.
func TestLinks(t *testing.T) {
	for _, page := range pages(t) {
		data, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(prose(string(data)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			p := filepath.Join(root, filepath.Dir(page), filepath.FromSlash(target))
			if rel, err := filepath.Rel(root, p); err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: link %s: %v", page, target, err)
			}
		}
	}
}
