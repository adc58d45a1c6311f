package main

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/testserver"
)

// leaseTableReader is the lease table of a TestConsumerGroup run: how the
// workers are told to use it, and how the test reads who owns what.
type leaseTableReader interface {
	// flags are the worker's command-line flags naming the table.
	flags() []string
	// owners returns the owner of every owned lease, by lease key; none
	// before the first worker created the table.
	owners(t *testing.T) map[string]string
}

// postgresLeases is a lease table in a PostgreSQL started for the test.
type postgresLeases struct {
	url  string
	pool *pgxpool.Pool
}

func newPostgresLeases(t *testing.T) *postgresLeases {
	pg := testserver.StartPostgres(t)
	pool, err := pgxpool.New(context.Background(), pg.ConnString)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return &postgresLeases{url: pg.ConnString, pool: pool}
}

func (p *postgresLeases) flags() []string {
	return []string{"--leases", p.url, "--app", leaseTable}
}

func (p *postgresLeases) owners(t *testing.T) map[string]string {
	t.Helper()
	rows, err := p.pool.Query(context.Background(), `SELECT lease_key, lease_owner FROM `+leaseTable+` WHERE lease_owner IS NOT NULL`)
	if err != nil {
		return nil // the first worker has not created the table yet
	}
	defer rows.Close()
	owners := map[string]string{}
	for rows.Next() {
		var key, owner string
		require.NoError(t, rows.Scan(&key, &owner))
		owners[key] = owner
	}
	require.NoError(t, rows.Err())
	return owners
}

// dynamoLeases is a lease table in a dynalite started for the test, in
// the KCL's layout: hash key leaseKey, owner in leaseOwner.
type dynamoLeases struct {
	endpoint string
	client   *dynamodb.Client
}

func newDynamoLeases(t *testing.T) *dynamoLeases {
	d := testserver.StartDynalite(t)
	return &dynamoLeases{endpoint: d.URL, client: dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(d.URL),
		Region:       "us-east-1",
		Credentials:  credentialsFromEnv(),
	})}
}

func (d *dynamoLeases) flags() []string {
	return []string{"--leases", "dynamodb://" + leaseTable, "--dynamodb-endpoint", d.endpoint}
}

func (d *dynamoLeases) owners(t *testing.T) map[string]string {
	t.Helper()
	owners := map[string]string{}
	in := &dynamodb.ScanInput{TableName: aws.String(leaseTable), ConsistentRead: aws.Bool(true)}
	for {
		out, err := d.client.Scan(context.Background(), in)
		var notFound *types.ResourceNotFoundException
		if errors.As(err, &notFound) {
			return nil // the first worker has not created the table yet
		}
		require.NoError(t, err)
		for _, item := range out.Items {
			key, okKey := item["leaseKey"].(*types.AttributeValueMemberS)
			owner, okOwner := item["leaseOwner"].(*types.AttributeValueMemberS)
			if okKey && okOwner && owner.Value != "" {
				owners[key.Value] = owner.Value
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return owners
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
