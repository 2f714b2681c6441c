// Package maponly holds a type that can cycle through maps alone.
package maponly

//isolate:message
type Env map[string]Env
