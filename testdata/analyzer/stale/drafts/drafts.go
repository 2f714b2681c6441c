// Package drafts has message types and no //go:generate line: go generate
// would do nothing, so the findings say to add the line, and the first
// offers it as a fix.
package drafts

// Draft is a message whose code was never generated.
//
//isolate:message
type Draft struct { // want `^message type Draft has no generated methods: the package has no //go:generate line for isolategen, so go generate would do nothing; add //go:generate go run github.com/go-isolate/isolate/cmd/isolategen \(the suggested fix, isolatevet -fix\) and run go generate$`
	Lines []string
}
