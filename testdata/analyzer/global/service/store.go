package service

import (
	"context"
	"errors"

	"example.com/global/cache"
)

// lookups counts Get calls across every store.
var lookups int

// memStore keeps values in memory; it is born inside the store's isolate.
type memStore struct{ data map[string]string }

func (m *memStore) Get(ctx context.Context, key string) (string, error) { // want Get:"reaches service.lookups\\(w\\)"
	lookups++
	v, ok := m.data[key]
	if !ok {
		return "", errors.New("not found")
	}
	return v, nil
}

func (m *memStore) Put(ctx context.Context, key, value string) error {
	m.data[key] = value
	return nil
}

// quietStore touches only its own state.
type quietStore struct{ data map[string]string }

func newQuietStore() cache.Store {
	return &quietStore{data: map[string]string{}}
}

func (q *quietStore) Get(ctx context.Context, key string) (string, error) {
	return q.data[key], nil
}

func (q *quietStore) Put(ctx context.Context, key, value string) error {
	q.data[key] = value
	return nil
}

// StartStores starts two stores.
func StartStores(ctx context.Context) error {
	_, _, err := cache.SpawnStore(ctx, func() cache.Store { // want `isolate port cache.Store reaches mutable global lookups: memStore.Get \(written at store.go:17\)`
		return &memStore{data: map[string]string{}}
	})
	if err != nil {
		return err
	}
	_, _, err = cache.SpawnStore(ctx, newQuietStore)
	return err
}
