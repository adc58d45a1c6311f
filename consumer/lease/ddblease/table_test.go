package ddblease_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
)

func TestTableIsCreatedWhenAbsent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	table := tableName()
	st := ddblease.New(e.client, table)
	// The first call creates the table.
	_, err := st.CreateIfNotExists(ctx, lease.Lease{Key: "shardId-000000000000", Checkpoint: lease.Checkpoint{SequenceNumber: lease.Latest}})
	require.NoError(t, err)
	out, err := e.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	require.NoError(t, err)
	d := out.Table
	assert.Equal(t, types.TableStatusActive, d.TableStatus)
	require.Len(t, d.KeySchema, 1)
	assert.Equal(t, "leaseKey", *d.KeySchema[0].AttributeName)
	assert.Equal(t, types.KeyTypeHash, d.KeySchema[0].KeyType)
	require.Len(t, d.AttributeDefinitions, 1)
	assert.Equal(t, types.ScalarAttributeTypeS, d.AttributeDefinitions[0].AttributeType)
	require.NotNil(t, d.BillingModeSummary)
	assert.Equal(t, types.BillingModePayPerRequest, d.BillingModeSummary.BillingMode)

	// Another store of the same table finds it.
	ls, err := ddblease.New(e.client, table).List(ctx)
	require.NoError(t, err)
	assert.Len(t, ls, 1)
}

func TestTableWithAnotherKeyIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	table := tableName()
	_, err := e.client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	require.NoError(t, err)
	_, err = ddblease.New(e.client, table).List(ctx)
	require.ErrorContains(t, err, "is not a lease table")
}

// A caller that may not create the missing table gets an error that says
// so and how to create it. The denial is injected by a proxy in front of
// dynalite, which has no access control, with DynamoDB's error body.
func TestTableNotCreatable(t *testing.T) {
	e := newEnv(t)
	target, err := url.Parse(e.d.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "DynamoDB_20120810.CreateTable" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: arn:aws:iam::123456789012:user/app is not authorized to perform: dynamodb:CreateTable"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	st := ddblease.New(newClient(t, srv.URL), tableName())
	_, err = st.List(context.Background())
	require.ErrorIs(t, err, ddblease.ErrTableNotCreatable)
	assert.ErrorContains(t, err, "hash key leaseKey (type S)")
	assert.ErrorContains(t, err, "dynamodb:CreateTable")
}
