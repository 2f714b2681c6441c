package bench

import "testing"

// benchRequestIsolate will measure a generated //isolate:port call once the
// port generator has landed; until then the report shows the row pending.
func benchRequestIsolate(*testing.B) {}
