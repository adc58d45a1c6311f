module github.com/freshet-io/freshet/examples/consumergroup

go 1.24.0

replace (
	github.com/freshet-io/freshet => ../../
	github.com/freshet-io/freshet/consumer/lease/ddblease => ../../consumer/lease/ddblease
	github.com/freshet-io/freshet/consumer/lease/pglease => ../../consumer/lease/pglease
	github.com/freshet-io/freshet/kinesissdk => ../../kinesissdk
)

require (
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/credentials v1.21.0
	github.com/aws/aws-sdk-go-v2/service/dynamodb v1.74.1
	github.com/aws/aws-sdk-go-v2/service/kinesis v1.56.13
	github.com/freshet-io/freshet v0.0.0
	github.com/freshet-io/freshet/consumer/lease/ddblease v0.0.0
	github.com/freshet-io/freshet/consumer/lease/pglease v0.0.0
	github.com/freshet-io/freshet/kinesissdk v0.0.0
	github.com/jackc/pgx/v5 v5.8.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream v1.7.27 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/endpoint-discovery v1.13.12 // indirect
	github.com/aws/smithy-go v1.28.9 // indirect
	github.com/google/btree v1.1.3 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.17.0 // indirect
	golang.org/x/text v0.29.0 // indirect
	golang.org/x/time v0.14.0 // indirect
)
