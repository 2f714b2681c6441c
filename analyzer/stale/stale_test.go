package stale_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/stale"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestStale(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "stale")
	analysistest.RunWithSuggestedFixes(t, dir, stale.Analyzer, "./...")
}
