package remote_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) != "" {
		os.Exit(roleMain(os.Getenv(roleEnv)))
	}
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	goleak.VerifyTestMain(m)
}
