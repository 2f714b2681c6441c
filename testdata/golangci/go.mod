// Known findings for the golangci-lint plugin: .ci/golangci.sh runs
// golangci-lint with the isolate plugin over this module and compares what
// it reports with expected.txt.
module example.com/shop

go 1.26.0

require github.com/go-isolate/isolate v0.0.0

replace github.com/go-isolate/isolate => ../..
