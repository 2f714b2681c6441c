package generator_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/go-isolate/isolate/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/generator")

// TestGolden generates each package under testdata/generator and compares
// the output with its committed isolate_gen.go, or its errors with
// errors.golden; the generated code must type-check with its package.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/generator/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			golden := filepath.Join(dir, generator.DefaultOutput)
			errGolden := filepath.Join(dir, "errors.golden")
			files, err := generator.Generate(generator.Config{Dir: dir})
			if err != nil {
				got := []byte(err.Error() + "\n")
				if *update {
					if err := os.WriteFile(errGolden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, rerr := os.ReadFile(errGolden)
				if rerr != nil {
					t.Fatalf("unexpected errors:\n%s", got)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("errors differ from %s:\ngot:\n%s\nwant:\n%s", errGolden, got, want)
				}
				return
			}
			if _, err := os.Stat(errGolden); err == nil {
				t.Fatalf("no errors, but %s expects some", errGolden)
			}
			var got []byte
			switch len(files) {
			case 0:
			case 1:
				got = files[0].New
			default:
				t.Fatalf("got %d files, want at most 1", len(files))
			}
			if *update {
				if got == nil {
					os.Remove(golden)
				} else if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				want = nil
			}
			if !bytes.Equal(got, want) {
				f := &generator.File{Path: golden, Old: want, New: got}
				t.Fatalf("generated code differs from %s (run go test -update):\n%s", golden, f.Diff())
			}
			if got == nil {
				return
			}
			// Same input, same bytes.
			again, err := generator.Generate(generator.Config{Dir: dir})
			if err != nil || len(again) != 1 || !bytes.Equal(again[0].New, got) {
				t.Fatalf("second run differs: %v", err)
			}
			// The output compiles with its package.
			abs, _ := filepath.Abs(golden)
			pkgs, err := packages.Load(&packages.Config{
				Mode:    packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
				Dir:     dir,
				Overlay: map[string][]byte{abs: got},
			}, ".")
			if err != nil {
				t.Fatal(err)
			}
			packages.Visit(pkgs, nil, func(p *packages.Package) {
				for _, e := range p.Errors {
					t.Errorf("generated code does not compile: %v", e)
				}
			})
		})
	}
}
