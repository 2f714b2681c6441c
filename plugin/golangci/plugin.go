// Package golangci registers the isolatevet suite as a golangci-lint v2
// module plugin named "isolate".
//
// golangci-lint loads module plugins at build time: a binary built by
// golangci-lint custom from a .custom-gcl.yml that lists this package
// (import path github.com/go-isolate/isolate/plugin/golangci) runs every
// rule of package analyzer. Each rule is its own analyzer, so golangci-lint
// prefixes each finding with the rule's name ("send: cannot send ...") and
// reports it under the linter "isolate".
//
// Enable it in .golangci.yml:
//
//	version: "2"
//	linters:
//	  enable:
//	    - isolate
//	  settings:
//	    custom:
//	      isolate:
//	        type: module
//	        description: Dart-style isolates share no mutable memory
//	        settings:
//	          sendable:        # optional: types to treat as sendable (T and *T)
//	            - net/http.Client
//	          disable:         # optional: rules not to run
//	            - stale
//	          enable:          # optional: rules off by default to run
//	            - goroutine
//
// Settings are decoded strictly: an unknown key, a key spelled in another
// case, a rule name that does not exist or a malformed type name is an
// error, so that a typo never switches a check off silently. The sendable
// setting is the -sendable flag of isolatevet; like that flag it applies to
// the whole process.
package golangci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer"
)

// Name is the plugin's name: the key under linters.settings.custom in
// .golangci.yml and the linter name findings are reported under.
const Name = "isolate"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings, under
// linters.settings.custom.isolate.settings in .golangci.yml.
type Settings struct {
	// Sendable extends the allow-list of sendable types with types that
	// cannot be annotated, each as importpath.Name (net/http.Client); both
	// T and *T become sendable. The -sendable flag of isolatevet.
	Sendable []string `json:"sendable"`
	// Disable names rules not to run (send, stale, directive, ...).
	Disable []string `json:"disable"`
	// Enable names rules that are off by default to run too (goroutine):
	// the rules of analyzer.OptIn.
	Enable []string `json:"enable"`
}

// keys are the settings' keys, exactly as they must be spelled.
var keys = []string{"sendable", "disable", "enable"}

// Plugin is the isolate linter plugin.
type Plugin struct {
	settings Settings
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New decodes and checks the settings golangci-lint hands over (nil when
// there are none) and applies the sendable allow-list extension.
func New(conf any) (register.LinterPlugin, error) {
	s, err := DecodeSettings(conf)
	if err != nil {
		return nil, err
	}
	if len(s.Sendable) > 0 {
		if err := analyzer.SendableFlag().Set(strings.Join(s.Sendable, ",")); err != nil {
			return nil, fmt.Errorf("isolate: settings: sendable: %w", err)
		}
	}
	return &Plugin{settings: s}, nil
}

// DecodeSettings decodes and checks the plugin's settings: unknown keys,
// keys in the wrong case, unknown rules and malformed type names are
// errors.
func DecodeSettings(conf any) (Settings, error) {
	if conf == nil {
		return Settings{}, nil
	}
	if err := checkKeys(conf); err != nil {
		return Settings{}, fmt.Errorf("isolate: settings: %w", err)
	}
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return Settings{}, fmt.Errorf("isolate: settings: %w", err)
	}
	for _, t := range s.Sendable {
		if err := checkTypeName(t); err != nil {
			return Settings{}, fmt.Errorf("isolate: settings: sendable: %w", err)
		}
	}
	all := slices.Concat(analyzer.Analyzers, analyzer.OptIn)
	for _, r := range s.Disable {
		if !slices.ContainsFunc(all, func(a *analysis.Analyzer) bool { return a.Name == r }) {
			return Settings{}, fmt.Errorf("isolate: settings: disable: unknown rule %q (rules: %s)", r, strings.Join(ruleNames(analyzer.Analyzers), ", "))
		}
	}
	for _, r := range s.Enable {
		if !slices.ContainsFunc(analyzer.OptIn, func(a *analysis.Analyzer) bool { return a.Name == r }) {
			return Settings{}, fmt.Errorf("isolate: settings: enable: %q is not a rule that is off by default (those are: %s)", r, strings.Join(ruleNames(analyzer.OptIn), ", "))
		}
	}
	return s, nil
}

// checkKeys rejects keys that are not spelled exactly as in keys.
// encoding/json alone matches keys case-insensitively, so "Sendable" would
// pass; settings in YAML are case-sensitive everywhere else.
func checkKeys(conf any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(conf); err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("want a mapping with keys %s: %w", strings.Join(keys, ", "), err)
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return fmt.Errorf("unknown key %q (known: %s)", k, strings.Join(keys, ", "))
		}
	}
	return nil
}

// checkTypeName checks that t reads importpath.Name, with an optional
// leading *: the form the analyzer's allow-list matches.
func checkTypeName(t string) error {
	s := strings.TrimPrefix(t, "*")
	slash := strings.LastIndex(s, "/")
	dot := strings.LastIndex(s, ".")
	if dot <= slash || dot == 0 || !token.IsIdentifier(s[dot+1:]) {
		return fmt.Errorf("%q is not a type name: want importpath.Name, e.g. net/http.Client", t)
	}
	return nil
}

func ruleNames(as []*analysis.Analyzer) []string {
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	return names
}

// BuildAnalyzers returns the suite's rules, with the enabled opt-in ones,
// less the disabled ones.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	suite, err := analyzer.Suite(p.settings.Enable...)
	if err != nil {
		return nil, err
	}
	var as []*analysis.Analyzer
	for _, a := range suite {
		if !slices.Contains(p.settings.Disable, a.Name) {
			as = append(as, a)
		}
	}
	return as, nil
}

// GetLoadMode asks for type information: every rule needs it.
func (p *Plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}
