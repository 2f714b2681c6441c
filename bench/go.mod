module github.com/go-isolate/isolate/bench

go 1.26.0

replace github.com/go-isolate/isolate => ../

require (
	github.com/brunoga/deep v1.3.1
	github.com/google/go-cmp v0.7.0
	github.com/huandu/go-clone v1.7.3
	github.com/mohae/deepcopy v0.0.0-20170929034955-c48cc78d4826
)

require github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc // indirect
