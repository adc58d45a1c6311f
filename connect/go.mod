module github.com/freshet-io/freshet/connect

go 1.24.0

require github.com/freshet-io/freshet v0.0.0

require (
	github.com/google/btree v1.1.3 // indirect
	golang.org/x/time v0.14.0 // indirect
)

replace github.com/freshet-io/freshet => ../
