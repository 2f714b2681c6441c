// Package foreign holds message types with fields of types from other
// packages: sendable ones are assigned, copyable ones copied by their
// own DeepCopyInto.
package foreign

import (
	"time"

	"github.com/go-isolate/isolate/testdata/generator/foreign/dep"
)

//isolate:message
type Envelope struct {
	At       time.Time
	Version  dep.Version
	Body     dep.Buffer
	Parts    []dep.Buffer
	Extra    *dep.Buffer
	Named    map[string]dep.Buffer
	Registry *dep.Registry
}
