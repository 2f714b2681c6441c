module github.com/go-isolate/isolate/bench

go 1.26.0

replace github.com/go-isolate/isolate => ../

require (
	github.com/brunoga/deep v1.3.1
	github.com/google/go-cmp v0.7.0
	github.com/huandu/go-clone v1.7.3
	github.com/mohae/deepcopy v0.0.0-20170929034955-c48cc78d4826
)

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

require (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
	github.com/go-isolate/isolate v0.0.0-00010101000000-000000000000 // indirect
)

tool github.com/go-isolate/isolate/cmd/isolategen
