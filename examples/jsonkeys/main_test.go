package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestBundledSample(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), nil, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "8 keys\n" {
		t.Errorf("output %q, want %q", got, "8 keys\n")
	}
}

func TestFileArgument(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.json")
	if err := os.WriteFile(path, []byte(`{"a": 1, "b": {"c": 2}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{path}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "2 keys\n" {
		t.Errorf("output %q, want %q", got, "2 keys\n")
	}
}

func TestOneKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"only": true}`: "1 key\n",
		`{}`:             "0 keys\n",
	} {
		path := filepath.Join(t.TempDir(), "file.json")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(context.Background(), []string{path}, &out); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != want {
			t.Errorf("%s: output %q, want %q", body, got, want)
		}
	}
}

func TestErrorsComeBack(t *testing.T) {
	dir := t.TempDir()
	if err := run(context.Background(), []string{filepath.Join(dir, "missing.json")}, &bytes.Buffer{}); !os.IsNotExist(err) {
		t.Errorf("missing file: error %v, want the worker's own not-exist error", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[1, 2]`), 0o644)
	if err := run(context.Background(), []string{bad}, &bytes.Buffer{}); err == nil {
		t.Error("a JSON array parsed as an object")
	}
}
