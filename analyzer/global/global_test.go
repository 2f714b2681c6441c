package global_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/global"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestGlobal(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "global")
	analysistest.Run(t, dir, global.Analyzer, "./...")
}
