module example.com/transfer

go 1.26.0

require github.com/go-isolate/isolate v0.0.0

replace github.com/go-isolate/isolate => ../../..
