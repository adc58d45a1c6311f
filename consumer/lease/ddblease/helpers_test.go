package ddblease_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/internal/testserver"
)

// newClient returns a DynamoDB client of the server at url. Its idle
// connections are closed when t ends.
func newClient(t testing.TB, url string, opts ...func(*dynamodb.Options)) *dynamodb.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	t.Cleanup(tr.CloseIdleConnections)
	o := []func(*dynamodb.Options){func(o *dynamodb.Options) {
		o.Region = "us-east-1"
		o.BaseEndpoint = aws.String(url)
		o.Credentials = credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
		o.HTTPClient = &http.Client{Transport: tr}
	}}
	return dynamodb.New(dynamodb.Options{}, append(o, opts...)...)
}

var tables atomic.Int64

// tableName returns a table name no other test uses.
func tableName() string {
	return fmt.Sprintf("leases-%d", tables.Add(1))
}

// env is a dynalite server and a client of it.
type env struct {
	d      *testserver.Dynalite
	client *dynamodb.Client
}

func newEnv(t testing.TB) *env {
	d := testserver.StartDynalite(t)
	return &env{d: d, client: newClient(t, d.URL)}
}

// store returns a store of a new table.
func (e *env) store(t testing.TB, opts ...ddblease.Option) (*ddblease.Store, string) {
	table := tableName()
	s := ddblease.New(e.client, table, opts...)
	require.NoError(t, s.EnsureTable(context.Background()))
	return s, table
}

// raw reads an item as stored.
func (e *env) raw(t testing.TB, table, key string) map[string]types.AttributeValue {
	t.Helper()
	out, err := e.client.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"leaseKey": &types.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(true),
	})
	require.NoError(t, err)
	require.NotNil(t, out.Item, "no item %q", key)
	return out.Item
}

// put writes an item as given.
func (e *env) put(t testing.TB, table string, item map[string]types.AttributeValue) {
	t.Helper()
	_, err := e.client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item})
	require.NoError(t, err)
}
