package directive_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/directive"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestDirective(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "directive")
	analysistest.Run(t, dir, directive.Analyzer, "./...")
}
