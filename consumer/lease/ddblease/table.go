package ddblease

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// EnsureTable makes sure the lease table exists and is ACTIVE, creating
// it if it does not exist, as the KCL does: hash key leaseKey (S), no sort
// key, on-demand billing. It waits until the table is ACTIVE (a table
// another worker is creating included) or ctx is done.
//
// Every method calls EnsureTable before its first request, so calling it
// is optional; an application calls it at startup to fail early. Once the
// table is found it makes no call, until a request reports the table
// missing. If the table does not exist and CreateTable is denied, it
// returns an error wrapping ErrTableNotCreatable that says how to create
// the table. A table with another key schema is refused.
func (s *Store) EnsureTable(ctx context.Context) error {
	if s.ready.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready.Load() {
		return nil
	}
	created := false
	pause := 50 * time.Millisecond
	for {
		out, err := s.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
		var rnf *types.ResourceNotFoundException
		switch {
		case errors.As(err, &rnf) && !created:
			if err := s.createTable(ctx); err != nil {
				return err
			}
			created = true
			continue
		case errors.As(err, &rnf):
			// Created a moment ago: not visible yet.
		case err != nil:
			return s.wrap("DescribeTable", "", err)
		default:
			if err := checkKeySchema(s.table, out.Table); err != nil {
				return err
			}
			if out.Table.TableStatus == types.TableStatusActive {
				s.ready.Store(true)
				return nil
			}
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("ddblease: waiting for the lease table %s to become ACTIVE: %w", s.table, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// createTable creates the lease table. A table created meanwhile by
// another worker (ResourceInUseException) is no error.
func (s *Store) createTable(ctx context.Context) error {
	_, err := s.client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &s.table,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: strPtr(attrLeaseKey), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: strPtr(attrLeaseKey), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	if err == nil || errors.As(err, &inUse) {
		return nil
	}
	if errorCode(err) == "AccessDeniedException" {
		return fmt.Errorf("%w: table %s does not exist and CreateTable was denied; create it with hash key %s (type S) "+
			"and on-demand billing, or allow dynamodb:CreateTable: %w", ErrTableNotCreatable, s.table, attrLeaseKey, err)
	}
	return s.wrap("CreateTable", "", err)
}

// checkKeySchema refuses a table whose key is not leaseKey (S) alone.
func checkKeySchema(table string, d *types.TableDescription) error {
	if d == nil {
		return fmt.Errorf("ddblease: DescribeTable of %s returned no table", table)
	}
	ok := len(d.KeySchema) == 1 && d.KeySchema[0].KeyType == types.KeyTypeHash &&
		d.KeySchema[0].AttributeName != nil && *d.KeySchema[0].AttributeName == attrLeaseKey
	for _, a := range d.AttributeDefinitions {
		if a.AttributeName != nil && *a.AttributeName == attrLeaseKey && a.AttributeType != types.ScalarAttributeTypeS {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("ddblease: table %s is not a lease table: its key must be the hash key %s of type S", table, attrLeaseKey)
	}
	return nil
}

// errorCode returns the API error code of err, or "".
func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func strPtr(s string) *string { return &s }
