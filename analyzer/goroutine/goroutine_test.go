package goroutine_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/goroutine"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestGoroutine(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "goroutine")
	for _, res := range analysistest.Run(t, dir, goroutine.Analyzer, "./...") {
		// Every finding points at the spawn and at the other access.
		for _, d := range res.Diagnostics {
			if len(d.Related) < 1 || len(d.Related) < 2 && !strings.Contains(d.Message, "every goroutine") {
				t.Errorf("%s: %q: related information %+v, want the spawn and the other access", res.Pass.Fset.Position(d.Pos), d.Message, d.Related)
			}
		}
	}
}
