// Package model holds the types the workers share out.
package model

import (
	"sync"
	"time"
)

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

// Order is placed by a customer. It is a message: ports copy it.
//
//isolate:message
type Order struct {
	ID    string
	Lines []Line
}

// Line is one line of an order.
type Line struct {
	SKU string
	Qty int
}

// Config is plain data: sendable as it is.
type Config struct {
	Name    string
	Workers int
	Timeout time.Duration
}

// Serve handles one request with this configuration.
func (c Config) Serve(n int) int { return n * c.Workers }

// Cache holds recent lookups; nothing guards it.
type Cache struct {
	entries map[string]string
}

// NewCache makes an empty cache with room for n entries.
func NewCache(n int) (*Cache, error) {
	return &Cache{entries: make(map[string]string, n)}, nil
}

// Get returns the entry for key.
func (c *Cache) Get(key string) string { return c.entries[key] }

// Put stores an entry.
func (c *Cache) Put(key, value string) { c.entries[key] = value }

// Registry is guarded by its own lock, so its author vouches for it.
//
//isolate:unchecked
type Registry struct {
	mu    sync.Mutex
	names map[string]int
}

// Lookup returns the id registered for name.
func (r *Registry) Lookup(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.names[name]
}
