package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/go-isolate/isolate/generator"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/generator")

// TestGolden generates each package under testdata/generator and compares
// the output with its committed isolate_gen.go, or its errors with
// errors.golden. The packages come from one load that all the package's
// tests share (GenerateTestdata); a package generated alone by Generate,
// with a load of its own, must give the same bytes and the same errors,
// and the generated code must type-check with its package.
func TestGolden(t *testing.T) {
	names, err := generator.TestdataPackages()
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string][]byte{} // absolute path of the golden file → output
	for _, name := range names {
		dir := filepath.Join("..", "testdata", "generator", name)
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join(dir, generator.DefaultOutput)
			errGolden := filepath.Join(dir, "errors.golden")
			files, err := generator.GenerateTestdata(name)
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

	t.Run("alone", func(t *testing.T) {
		// Generate loads a package alone; the shared load must not have
		// changed what it generates: same bytes, same errors.
		for _, name := range []string{"basic", "errors"} {
			alone, aerr := generator.Generate(generator.Config{Dir: filepath.Join(base, name)})
			shared, serr := generator.GenerateTestdata(name)
			if fmt.Sprint(aerr) != fmt.Sprint(serr) {
				t.Errorf("%s: errors alone:\n%v\nerrors from the shared load:\n%v", name, aerr, serr)
			}
			if len(alone) != len(shared) {
				t.Errorf("%s: %d files alone, %d from the shared load", name, len(alone), len(shared))
				continue
			}
			for i := range alone {
				if alone[i].Path != shared[i].Path || !bytes.Equal(alone[i].New, shared[i].New) {
					t.Errorf("%s: generated alone differs:\n%s", name, (&generator.File{Path: alone[i].Path, Old: shared[i].New, New: alone[i].New}).Diff())
				}
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
