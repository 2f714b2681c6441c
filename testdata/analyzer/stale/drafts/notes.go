package drafts

// Note is a second such message, in another file: the line is offered once
// per package, so applying the fixes adds it once.
//
//isolate:message
type Note struct { // want `^message type Note has no generated methods: the package has no //go:generate line for isolategen`
	Text []byte
}
