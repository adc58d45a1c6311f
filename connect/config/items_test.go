package config

import (
	"encoding/json"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRowBuilder(t *testing.T) {
	b := &rowBuilder{
		fields: []string{"id", "name", "at", "doc", "amount", "ok", "gone"},
		oids:   []uint32{pgtype.Int8OID, pgtype.TextOID, pgtype.TimestamptzOID, pgtype.JSONBOID, pgtype.NumericOID, pgtype.BoolOID, pgtype.TextOID},
		maps:   sync.Pool{New: func() any { return pgtype.NewMap() }},
	}
	row, err := b.row([]byte(`{"id": 12345678901234, "name": {"a": 1}, "at": "2024-01-02T03:04:05.5+01:00",
		"doc": "just a string", "amount": "10.25", "ok": true, "gone": null}`))
	require.NoError(t, err)
	assert.Equal(t, int64(12345678901234), row[0])
	assert.Equal(t, `{"a": 1}`, row[1])
	assert.True(t, time.Date(2024, 1, 2, 2, 4, 5, 5e8, time.UTC).Equal(row[2].(time.Time)))
	assert.Equal(t, json.RawMessage(`"just a string"`), row[3])
	assert.Equal(t, pgtype.Numeric{Int: big.NewInt(1025), Exp: -2, Valid: true}, row[4])
	assert.Equal(t, true, row[5])
	assert.Nil(t, row[6])

	for _, tc := range []struct{ line, err string }{
		{`[1]`, "not a JSON object"},
		{`{"id": {"x": 1}}`, `field "id": an object or array goes only into`},
		{`{"id": "twelve"}`, `field "id"`},
		{`{"at": "yesterday"}`, `field "at"`},
	} {
		_, err := b.row([]byte(tc.line))
		assert.ErrorContains(t, err, tc.err, tc.line)
	}
}

func TestDynamoItem(t *testing.T) {
	item, err := dynamoItem([]byte(`{"id": "a", "n": 123456789012345678901234567890, "f": 1.5e3, "b": false, "z": null, "l": [1, "x"], "m": {"k": "v"}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{
		"id": &types.AttributeValueMemberS{Value: "a"},
		"n":  &types.AttributeValueMemberN{Value: "123456789012345678901234567890"},
		"f":  &types.AttributeValueMemberN{Value: "1.5e3"},
		"b":  &types.AttributeValueMemberBOOL{Value: false},
		"z":  &types.AttributeValueMemberNULL{Value: true},
		"l":  &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberN{Value: "1"}, &types.AttributeValueMemberS{Value: "x"}}},
		"m":  &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": &types.AttributeValueMemberS{Value: "v"}}},
	}, item)
	for _, line := range []string{`[1]`, `"s"`, `null`, `{`} {
		_, err := dynamoItem([]byte(line))
		assert.ErrorIs(t, err, errNotObject, line)
	}
	_, err = document([]byte(` [1]`))
	assert.ErrorIs(t, err, errNotObject)
}
