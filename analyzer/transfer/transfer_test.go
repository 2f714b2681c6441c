package transfer_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/transfer"
)

func TestTransfer(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "transfer")
	analysistest.Run(t, dir, transfer.Analyzer, "./...")
}
