package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/go-isolate/isolate/analyzer"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

// The scripts run an isolatevet binary built once, without the race
// detector: they run it over the runtime and the standard packages it
// imports, dozens of times, and an instrumented build takes five to ten
// times as long for no check that the analyzer packages' own race-enabled
// tests do not make. TestMain owns the directory; the first test that needs
// the binary builds it.
var (
	vetDir   string
	vetOnce  sync.Once
	vetExe   string
	vetBuild error
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "isolatevet-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		vetDir = dir
		return m.Run()
	}())
}

// isolatevet returns the path of the binary under test, building it first.
func isolatevet(t *testing.T) string {
	t.Helper()
	vetOnce.Do(func() {
		exe := filepath.Join(vetDir, "isolatevet")
		if goruntime.GOOS == "windows" {
			exe += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput()
		if err != nil {
			vetBuild = fmt.Errorf("building isolatevet: %v\n%s", err, out)
			return
		}
		vetExe = exe
	})
	if vetBuild != nil {
		t.Fatal(vetBuild)
	}
	return vetExe
}

// TestScripts runs the end-to-end scripts of testdata/script. Each script
// module requires github.com/go-isolate/isolate and replaces it with this
// checkout ($ISOLATE_ROOT), so that it can import the real runtime; the go
// command runs offline on the host's module and build caches.
func TestScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	vet := isolatevet(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	goenv := map[string]string{}
	for _, name := range []string{"GOMODCACHE", "GOCACHE", "GOROOT"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		goenv[name] = strings.TrimSpace(string(out))
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(vet)+string(filepath.ListSeparator)+env.Getenv("PATH"))
			env.Setenv("ISOLATEVET", vet)
			env.Setenv("ISOLATE_ROOT", root)
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			for name, v := range goenv {
				env.Setenv(name, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": exitcode,
		},
	})
}

// exitcode N prog args... runs prog and checks that it exits with status N;
// its output is then checked with stdout and stderr as after exec.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog args...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

func TestMainUsageNamesEveryRule(t *testing.T) {
	var b strings.Builder
	usage(&b, "isolatevet")
	want := []string{"Exit codes", "-sendable"}
	for _, a := range analyzer.Analyzers {
		want = append(want, "\t"+a.Name+" ")
	}
	for _, name := range want {
		if !strings.Contains(b.String(), name) {
			t.Errorf("usage does not mention %q:\n%s", name, b.String())
		}
	}
}
