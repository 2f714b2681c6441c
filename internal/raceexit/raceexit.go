//go:build race && unix

package raceexit

import (
	"os"
	"slices"
	"strings"
	"syscall"
)

const option = "atexit_sleep_ms"

func init() {
	gorace := os.Getenv("GORACE")
	if strings.Contains(gorace, option+"=") {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// Replace GORACE: with two, a process would read the first.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GORACE=") })
	env = append(env, "GORACE="+strings.TrimSpace(gorace+" "+option+"=0"))
	// On success Exec does not return; on failure the binary runs on as it
	// was started, with the sleep.
	_ = syscall.Exec(exe, os.Args, env)
}
