package main

import (
	"bytes"
	"context"
	"testing"

	"go.uber.org/goleak"

	_ "github.com/go-isolate/isolate/internal/raceexit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestConversation(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"go", "dart"}, &out); err != nil {
		t.Fatal(err)
	}
	want := "go has 2 letters, upper case GO\ndart has 4 letters, upper case DART\nchild closed\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestNoRequests(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), nil, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "child closed\n" {
		t.Errorf("output %q", got)
	}
}
