package transfer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/go-isolate/isolate/analyzer/transfer"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestTransfer(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "analyzer", "transfer")
	for _, res := range analysistest.Run(t, dir, transfer.Analyzer, "./...") {
		// Every finding points back at the transfer it follows.
		for _, d := range res.Diagnostics {
			if len(d.Related) != 1 || !strings.HasSuffix(d.Related[0].Message, " transferred here") {
				t.Errorf("%s: %q: related information %+v, want one \"… transferred here\"", res.Pass.Fset.Position(d.Pos), d.Message, d.Related)
			}
		}
	}
}
