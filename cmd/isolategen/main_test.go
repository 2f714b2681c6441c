package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

// The scripts run an isolategen binary built once, without the race
// detector: each run loads and type-checks packages, dozens of runs in all,
// and an instrumented build takes several times as long for no check that
// the generator package's own race-enabled tests do not make. TestMain owns
// the directory; the first test that needs the binary builds it.
var (
	genDir   string
	genOnce  sync.Once
	genExe   string
	genBuild error
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "isolategen-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		genDir = dir
		return m.Run()
	}())
}

// isolategen returns the path of the binary under test, building it first.
func isolategen(t *testing.T) string {
	t.Helper()
	genOnce.Do(func() {
		exe := filepath.Join(genDir, "isolategen")
		if goruntime.GOOS == "windows" {
			exe += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput()
		if err != nil {
			genBuild = fmt.Errorf("building isolategen: %v\n%s", err, out)
			return
		}
		genExe = exe
	})
	if genBuild != nil {
		t.Fatal(genBuild)
	}
	return genExe
}

// TestScripts runs the end-to-end behaviour of isolategen in
// testdata/script: each script is its own module with no requirements; $ROOT
// is this repository, for a script to require it (generated wire codecs
// import the runtime and msgp).
func TestScripts(t *testing.T) {
	gen := isolategen(t)
	goEnv := func(name string) string {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	modcache, gocache := goEnv("GOMODCACHE"), goEnv("GOCACHE")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(gen)+string(filepath.ListSeparator)+env.Getenv("PATH"))
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOMODCACHE", modcache)
			env.Setenv("GOCACHE", gocache)
			env.Setenv("ROOT", root)
			return nil
		},
	})
}

func TestExitCodes(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"-nope"}, &out, &errb); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := run([]string{"-help"}, &out, &errb); code != 0 {
		t.Errorf("-help: exit %d, want 0", code)
	}
}
