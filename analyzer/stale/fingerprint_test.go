package stale_test

import (
	"go/types"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/go-isolate/isolate/internal/fingerprint"
)

// TestPrintFingerprints prints the fingerprint of every named type of the
// testdata module (or of the module in the directory the variable names),
// for writing hand-made generated files. It runs only when
// ISOLATE_PRINT_FINGERPRINTS is set:
//
//	ISOLATE_PRINT_FINGERPRINTS=1 go test -count=1 -run PrintFingerprints -v ./analyzer/stale
func TestPrintFingerprints(t *testing.T) {
	env := os.Getenv("ISOLATE_PRINT_FINGERPRINTS")
	if env == "" {
		t.Skip("set ISOLATE_PRINT_FINGERPRINTS=1 (or a module directory) to print fingerprints")
	}
	dir := filepath.Join("..", "..", "testdata", "analyzer", "stale")
	if st, err := os.Stat(env); err == nil && st.IsDir() {
		dir = env
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir, Env: append(os.Environ(), "GOPROXY=off")}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
				if n, ok := tn.Type().(*types.Named); ok {
					t.Logf("%s.%s %s tree:%s", p.PkgPath, name, fingerprint.Of(n, false), fingerprint.Of(n, true))
				}
			}
		}
	}
}
