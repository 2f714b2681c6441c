// Package remote carries isolate ports across processes and machines over
// NATS.
package remote
