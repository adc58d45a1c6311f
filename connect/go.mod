module github.com/freshet-io/freshet/connect

go 1.24.0

require github.com/freshet-io/freshet v0.0.0

require go.yaml.in/yaml/v3 v3.0.5 // indirect

require (
	github.com/google/btree v1.1.3 // indirect
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/time v0.14.0 // indirect
)

replace github.com/freshet-io/freshet => ../

replace github.com/freshet-io/freshet/kinesissdk => ../kinesissdk
