package generator_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/go-isolate/isolate/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/generator")

// TestGolden generates each package under testdata/generator and compares
// the output with its committed isolate_gen.go, or its errors with
// errors.golden. Then, over every package that generated code at once, a
// second run must give the same bytes, and the generated code must
// type-check with its package: one load each for all the packages, as a
// load type-checks them, which under the race detector is most of the
// test's time.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/generator/*")
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string][]byte{} // absolute path of the golden file → output
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
			abs, err := filepath.Abs(golden)
			if err != nil {
				t.Fatal(err)
			}
			generated[abs] = got
		})
	}
	if len(generated) == 0 {
		if !t.Failed() {
			t.Fatal("no package under testdata/generator generated code")
		}
		return
	}
	base, err := filepath.Abs("../testdata/generator")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for path := range generated {
		patterns = append(patterns, "./"+filepath.Base(filepath.Dir(path)))
	}
	slices.Sort(patterns)

	t.Run("again", func(t *testing.T) {
		// Same input, same bytes, also when the packages are generated together.
		again, err := generator.Generate(generator.Config{Dir: base, Patterns: patterns})
		if err != nil {
			t.Fatalf("second run over %v: %v", patterns, err)
		}
		seen := map[string]bool{}
		for _, f := range again {
			want, ok := generated[f.Path]
			if !ok {
				t.Errorf("second run generated %s, which the first did not", f.Path)
				continue
			}
			seen[f.Path] = true
			if !bytes.Equal(f.New, want) {
				t.Errorf("second run differs for %s:\n%s", f.Path, (&generator.File{Path: f.Path, Old: want, New: f.New}).Diff())
			}
		}
		for path := range generated {
			if !seen[path] {
				t.Errorf("second run did not generate %s", path)
			}
		}
	})

	t.Run("compiles", func(t *testing.T) {
		// The output compiles with its package.
		pkgs, err := packages.Load(&packages.Config{
			Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
			Dir:     base,
			Overlay: generated,
		}, patterns...)
		if err != nil {
			t.Fatal(err)
		}
		if len(pkgs) != len(patterns) {
			t.Errorf("loaded %d packages for %v", len(pkgs), patterns)
		}
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			for _, e := range p.Errors {
				t.Errorf("generated code does not compile: %v", e)
			}
		})
	})
}
