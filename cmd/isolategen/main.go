// Command isolategen writes deep copy and transfer methods for the
// //isolate:message types of Go packages, so that isolate ports can copy
// messages without reflection, and typed ports for their //isolate:port
// interfaces. It is meant to run from go generate:
//
//	//go:generate go run github.com/go-isolate/isolate/cmd/isolategen
//
// See the generator package for what it writes and why.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-isolate/isolate/generator"
)

const usage = `usage: isolategen [flags] [packages]

Isolategen writes, into one file per package (isolate_gen.go):
  - for every type annotated //isolate:message, DeepCopyInto, DeepCopy and
    Transfer methods, so that ports copy it without reflection;
  - for every interface I annotated //isolate:port, a typed port: IPort, a
    sendable value that implements I, and SpawnI, which serves I inside a
    new isolate, one call at a time.
Without packages it works on the package in the current directory, which is
how go generate runs it:

	//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

A package with nothing to generate gets no file, and an output file it no
longer needs is removed. On errors, isolategen reports each at file:line:col
and writes nothing.

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("isolategen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg generator.Config
	fs.BoolVar(&cfg.Check, "check", false, "write nothing; exit 1 with a diff when a generated file is stale or missing")
	fs.StringVar(&cfg.Output, "o", generator.DefaultOutput, "name of the generated `file` in each package's directory")
	tags := fs.String("tags", "", "comma-separated list of build `tags` to apply when loading packages")
	sendable := fs.String("sendable", "", "comma-separated `types` (importpath.Name) to treat as sendable, as isolatevet's -sendable")
	printUsage := func(w io.Writer) {
		fs.SetOutput(w)
		fmt.Fprint(w, usage)
		fs.PrintDefaults()
		fmt.Fprint(w, "\nExit status: 0 on success, 1 on errors or (with -check) stale output, 2 on a usage error.\n")
	}
	fs.Usage = func() {} // printed below, where asked for help goes to stdout
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			printUsage(stdout)
			return 0
		}
		printUsage(stderr)
		return 2
	}
	if cfg.Output == "" || strings.ContainsAny(cfg.Output, `/\`) && fs.NArg() > 1 {
		fmt.Fprintln(stderr, "isolategen: -o must name a file; with several packages, a plain file name")
		printUsage(stderr)
		return 2
	}
	cfg.Tags = split(*tags)
	cfg.Sendable = split(*sendable)
	cfg.Patterns = fs.Args()
	return generator.Run(cfg, stdout, stderr)
}

func split(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}
