package remote_test

// The test types and their wire codecs live in package wiretest, whose
// isolate_gen.go isolategen generates (the contract is wire.md): the tests
// of this package run against generated code.

import "github.com/go-isolate/isolate/remote/internal/wiretest"

type (
	Job         = wiretest.Job
	Item        = wiretest.Item
	Address     = wiretest.Address
	Ack         = wiretest.Ack
	Graph       = wiretest.Graph
	UserV1      = wiretest.UserV1
	UserV2      = wiretest.UserV2
	Notes       = wiretest.Notes
	Counter     = wiretest.Counter
	CounterPort = wiretest.CounterPort
	Plain       = wiretest.Plain
	PlainAck    = wiretest.PlainAck
	Local       = wiretest.Local
	GreeterPort = wiretest.GreeterPort
)

// SpawnCounter starts an isolate that serves Counter.
var SpawnCounter = wiretest.SpawnCounter

// SpawnGreeter starts an isolate that serves Greeter.
var SpawnGreeter = wiretest.SpawnGreeter
