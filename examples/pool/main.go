// Command pool hashes every file under a directory on a pool of warm
// isolates, one per CPU, with a progress line: runtime.RunOn runs each
// file's hashing on a free isolate of the pool (waiting for one when all are
// busy) and moves the digest back, without a spawn per file.
//
//	go run ./examples/pool [dir]
//
// Without an argument it hashes the current directory. It prints one line
// per file, "sha256  size  path" in path order, then a total; the progress
// line goes to stderr.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pool:", err)
		os.Exit(1)
	}
}

// digest is what an isolate hands back for one file: sendable values only.
type digest struct {
	Sum  [sha256.Size]byte
	Size int64
	Err  string // the read error, if any
}

func run(ctx context.Context, args []string, stdout, progress io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("usage: pool [dir]")
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	files, err := list(dir)
	if err != nil {
		return err
	}
	pool, err := runtime.NewPool(ctx, goruntime.NumCPU())
	if err != nil {
		return err
	}
	defer pool.Close()

	digests, err := hashAll(ctx, pool, files, progress)
	if err != nil {
		return err
	}
	var total int64
	for i, path := range files {
		d := digests[i]
		if d.Err != "" {
			fmt.Fprintf(stdout, "%-64s  %10s  %s: %s\n", "error", "-", path, d.Err)
			continue
		}
		total += d.Size
		fmt.Fprintf(stdout, "%s  %10d  %s\n", hex.EncodeToString(d.Sum[:]), d.Size, path)
	}
	fmt.Fprintf(stdout, "%d files, %d bytes, on %d isolates\n", len(files), total, pool.Size())
	return nil
}

// list returns the regular files under dir, in lexical order.
func list(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// hashAll hashes files on the pool, a few callers per isolate so that none
// idles between files, and keeps a progress line up to date meanwhile.
func hashAll(ctx context.Context, pool *runtime.Pool, files []string, progress io.Writer) ([]digest, error) {
	digests := make([]digest, len(files))
	var next, done atomic.Int64
	var bytes atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var callers sync.WaitGroup
	for range 2 * pool.Size() {
		callers.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				d, err := hashOn(ctx, pool, files[i])
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				digests[i] = d
				bytes.Add(d.Size)
				done.Add(1)
			}
		})
	}
	finished := make(chan struct{})
	var ticker sync.WaitGroup
	ticker.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fmt.Fprintf(progress, "\rhashed %d/%d files, %d bytes", done.Load(), len(files), bytes.Load())
			case <-finished:
				fmt.Fprintf(progress, "\rhashed %d/%d files, %d bytes\n", done.Load(), len(files), bytes.Load())
				return
			}
		}
	})
	callers.Wait()
	close(finished)
	ticker.Wait()
	return digests, firstErr
}

// hashOn hashes the file at path on a warm isolate of pool. The closure
// captures only path, a string; the digest comes back by move.
func hashOn(ctx context.Context, pool *runtime.Pool, path string) (digest, error) {
	return runtime.RunOn(ctx, pool, func(ctx context.Context) (digest, error) {
		f, err := os.Open(path)
		if err != nil {
			return digest{Err: err.Error()}, nil
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return digest{Err: err.Error()}, nil
		}
		var d digest
		h.Sum(d.Sum[:0])
		d.Size = n
		return d, nil
	})
}
