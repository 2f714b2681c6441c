package golangci_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"

	"github.com/go-isolate/isolate/analyzer"
	"github.com/go-isolate/isolate/plugin/golangci"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

// yaml builds settings as golangci-lint hands them over: maps and slices
// of any, as its YAML reader produces them.
func yaml(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func TestDecodeSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		conf any
		want golangci.Settings
	}{
		{"absent", nil, golangci.Settings{}},
		{"empty", yaml(), golangci.Settings{}},
		{"both", yaml("sendable", []any{"net/http.Client", "*example.com/x.T"}, "disable", []any{"stale"}),
			golangci.Settings{Sendable: []string{"net/http.Client", "*example.com/x.T"}, Disable: []string{"stale"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := golangci.DecodeSettings(tc.conf)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Sendable, tc.want.Sendable) || !slices.Equal(got.Disable, tc.want.Disable) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeSettingsRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		conf any
		want string // in the error
	}{
		{"unknown key", yaml("sendables", []any{"net/http.Client"}), `unknown key "sendables"`},
		{"key in another case", yaml("Sendable", []any{"net/http.Client"}), `unknown key "Sendable"`},
		{"unknown key beside known", yaml("disable", []any{}, "fix", true), `unknown key "fix"`},
		{"not a mapping", []any{"send"}, "want a mapping"},
		{"sendable not a list", yaml("sendable", "net/http.Client"), "cannot unmarshal"},
		{"sendable without a package", yaml("sendable", []any{"Client"}), `"Client" is not a type name`},
		{"sendable without a name", yaml("sendable", []any{"net/http"}), `"net/http" is not a type name`},
		{"sendable with an empty name", yaml("sendable", []any{"net/http."}), "is not a type name"},
		{"unknown rule", yaml("disable", []any{"sned"}), `unknown rule "sned"`},
		{"enable a default rule", yaml("enable", []any{"send"}), `"send" is not a rule that is off by default`},
		{"enable an unknown rule", yaml("enable", []any{"gorutine"}), `"gorutine" is not a rule`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := golangci.DecodeSettings(tc.conf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if _, err := golangci.New(tc.conf); err == nil {
				t.Fatal("New accepted settings that DecodeSettings rejects")
			}
		})
	}
}

func TestPlugin(t *testing.T) {
	newPlugin, err := register.GetPlugin(golangci.Name)
	if err != nil {
		t.Fatal(err)
	}

	p, err := newPlugin(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
	}
	all, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all, analyzer.Analyzers) {
		t.Errorf("BuildAnalyzers() without settings = %v, want every rule %v", all, analyzer.Analyzers)
	}

	p, err = newPlugin(yaml("disable", []any{analyzer.Analyzers[0].Name}, "sendable", []any{"net/http.Client"}))
	if err != nil {
		t.Fatal(err)
	}
	some, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(some, analyzer.Analyzers[1:]) {
		t.Errorf("BuildAnalyzers() with %s disabled = %v, want %v", analyzer.Analyzers[0].Name, some, analyzer.Analyzers[1:])
	}
	if got := analyzer.SendableFlag().String(); !strings.Contains(got, "net/http.Client") {
		t.Errorf("-sendable is %q after New with sendable: [net/http.Client]", got)
	}

	// enable adds the opt-in goroutine rule, and the directive rule then
	// counts the ignores it uses.
	p, err = newPlugin(yaml("enable", []any{"goroutine"}, "disable", []any{"stale"}))
	if err != nil {
		t.Fatal(err)
	}
	more, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range more {
		names = append(names, a.Name)
	}
	if want := []string{"send", "capture", "global", "transfer", "goroutine", "directive"}; !slices.Equal(names, want) {
		t.Errorf("BuildAnalyzers() with goroutine enabled and stale disabled = %v, want %v", names, want)
	}
	if d := more[len(more)-1]; !slices.Contains(d.Requires, more[len(more)-2]) {
		t.Errorf("directive does not require goroutine when it runs: %v", d.Requires)
	}
}
