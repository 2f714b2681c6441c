//go:build race && unix

package raceexit

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// printEnv makes the test binary print its GORACE and exit.
const printEnv = "RACEEXIT_PRINT_GORACE"

func TestMain(m *testing.M) {
	if os.Getenv(printEnv) != "" {
		fmt.Print(os.Getenv("GORACE"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSleepIsOff(t *testing.T) {
	if got := os.Getenv("GORACE"); !strings.Contains(got, option+"=0") {
		t.Errorf("GORACE = %q, want %s=0 in it", got, option)
	}
}

// TestKeepsOptions starts the binary with GORACE options of its own: they
// stay, and the sleep is turned off beside them unless they set it.
func TestKeepsOptions(t *testing.T) {
	for gorace, want := range map[string]string{
		"halt_on_error=1":                   "halt_on_error=1 atexit_sleep_ms=0",
		"atexit_sleep_ms=5 halt_on_error=1": "atexit_sleep_ms=5 halt_on_error=1",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
			return strings.HasPrefix(kv, "GORACE=")
		}), "GORACE="+gorace, printEnv+"=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GORACE=%q: %v", gorace, err)
		}
		if string(out) != want {
			t.Errorf("GORACE=%q: the binary ran with GORACE=%q, want %q", gorace, out, want)
		}
	}
}
