package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestHashesEveryFile(t *testing.T) {
	dir := t.TempDir()
	want := map[string]string{}
	for i := range 40 {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%3))
		os.MkdirAll(sub, 0o755)
		path := filepath.Join(sub, fmt.Sprintf("f%02d.txt", i))
		data := []byte(strings.Repeat(fmt.Sprint(i), i*100))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		want[path] = fmt.Sprintf("%s  %10d  %s", hex.EncodeToString(sum[:]), len(data), path)
	}
	var out, progress bytes.Buffer
	if err := run(context.Background(), []string{dir}, &out, &progress); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 41 {
		t.Fatalf("%d lines, want 40 files and a total:\n%s", len(lines), out.String())
	}
	prev := ""
	for _, line := range lines[:40] {
		path := line[strings.LastIndex(line, "  ")+2:]
		if want[path] != line {
			t.Errorf("line %q, want %q", line, want[path])
		}
		if path < prev {
			t.Errorf("%s after %s: not in path order", path, prev)
		}
		prev = path
	}
	if !strings.HasPrefix(lines[40], "40 files, ") {
		t.Errorf("total line %q", lines[40])
	}
	if !strings.Contains(progress.String(), "hashed 40/40 files") {
		t.Errorf("progress %q lacks the final count", progress.String())
	}
}

func TestMissingDirectory(t *testing.T) {
	err := run(context.Background(), []string{filepath.Join(t.TempDir(), "missing")}, &bytes.Buffer{}, &bytes.Buffer{})
	if !os.IsNotExist(err) {
		t.Fatalf("error %v, want not-exist", err)
	}
}

func TestCancelled(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, []string{dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != context.Canceled {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
