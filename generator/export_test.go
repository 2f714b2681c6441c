package generator

import (
	"os"
	"path/filepath"
	"sort"
	"sync"

	"golang.org/x/tools/go/packages"
)

// The tests of this package read the packages under testdata/generator
// from one load: a load type-checks every package they import, the
// runtime and its standard library dependencies among them, which under
// the race detector is most of a test's time. Each package is then
// planned or generated on its own, as Generate does one package.

// testdataLoad is every package under testdata/generator, loaded once.
type testdataLoad struct {
	base string                       // absolute testdata/generator
	pkgs map[string]*packages.Package // by directory name
	errs ErrorList                    // load errors, which none may have
	err  error
}

var loadTestdata = sync.OnceValue(func() *testdataLoad {
	ld := &testdataLoad{pkgs: map[string]*packages.Package{}}
	ld.base, ld.err = filepath.Abs(filepath.Join("..", "testdata", "generator"))
	if ld.err != nil {
		return ld
	}
	names, err := TestdataPackages()
	if err != nil {
		ld.err = err
		return ld
	}
	patterns := make([]string, len(names))
	for i, name := range names {
		patterns[i] = "./" + name
	}
	cfg := Config{Dir: ld.base, Output: DefaultOutput, Patterns: patterns}
	var pkgs []*packages.Package
	pkgs, ld.errs, ld.err = load(cfg)
	for _, p := range pkgs {
		ld.pkgs[filepath.Base(p.Dir)] = p
	}
	return ld
})

// TestdataPackages names the directories under testdata/generator, in
// order: each is one package of the golden tests.
func TestdataPackages() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join("..", "testdata", "generator"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// loadedTestdata returns the config Generate would use for the directory
// name under testdata/generator alone, and its package from the shared
// load.
func loadedTestdata(name string) (Config, *packages.Package, error) {
	ld := loadTestdata()
	if ld.err != nil {
		return Config{}, nil, ld.err
	}
	if len(ld.errs) > 0 {
		return Config{}, nil, ld.errs
	}
	p := ld.pkgs[name]
	if p == nil {
		return Config{}, nil, os.ErrNotExist
	}
	return Config{Dir: filepath.Join(ld.base, name), Output: DefaultOutput, Patterns: []string{"."}}, p, nil
}

// GenerateTestdata returns what Generate returns for the directory name
// under testdata/generator alone, from the shared load.
func GenerateTestdata(name string) ([]*File, error) {
	cfg, p, err := loadedTestdata(name)
	if err != nil {
		return nil, err
	}
	f, errs := generatePackage(cfg, p)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	if f == nil {
		return nil, nil
	}
	return []*File{f}, nil
}
