package send_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/send"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestSend(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "send")
	analysistest.RunWithSuggestedFixes(t, dir, send.Analyzer, "./...")
}
