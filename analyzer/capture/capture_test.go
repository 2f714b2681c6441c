package capture_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/capture"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestCapture(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "capture")
	analysistest.RunWithSuggestedFixes(t, dir, capture.Analyzer, "./...")
}
