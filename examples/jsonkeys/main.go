// Command jsonkeys is Dart's Isolate.run example in Go: a worker isolate
// reads and parses a JSON file and hands the parsed map back to main without
// copying it (Run moves its result); main prints the number of top-level
// keys.
//
//	go run ./examples/jsonkeys [file.json]
//
// Without an argument it parses its bundled testdata/sample.json.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/go-isolate/isolate/runtime"
)

//go:embed testdata/sample.json
var sample string

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "jsonkeys:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("usage: jsonkeys [file.json]")
	}
	path := ""
	if len(args) == 1 {
		path = args[0]
	}
	m, err := parseInIsolate(ctx, path)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, countKeys(len(m)))
	return nil
}

// countKeys renders n keys in English: "1 key", "0 keys", "8 keys".
func countKeys(n int) string {
	if n == 1 {
		return "1 key"
	}
	return fmt.Sprintf("%d keys", n)
}

// parseInIsolate reads and parses the JSON object in the file at path (the
// bundled sample when path is empty) in a new isolate. The map is moved back,
// not copied: the isolate that made it has ended and never touches it again.
func parseInIsolate(ctx context.Context, path string) (map[string]any, error) {
	return runtime.Run(ctx, func(ctx context.Context) (map[string]any, error) {
		data := []byte(sample)
		if path != "" {
			var err error
			if data, err = os.ReadFile(path); err != nil {
				return nil, err
			}
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}, runtime.WithName("json-parser"))
}
