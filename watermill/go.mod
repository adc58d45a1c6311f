module github.com/freshet-io/freshet/watermill

go 1.24.0

replace (
	github.com/freshet-io/freshet => ../
	github.com/freshet-io/freshet/kinesissdk => ../kinesissdk
)

require (
	github.com/ThreeDotsLabs/watermill v1.5.1
	github.com/freshet-io/freshet v0.0.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require (
	github.com/google/btree v1.1.3 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/lithammer/shortuuid/v3 v3.0.7 // indirect
	github.com/oklog/ulid v1.3.1 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/time v0.14.0 // indirect
)
