package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/connect/dynamosink"
	"github.com/freshet-io/freshet/connect/pgsink"
	"github.com/freshet-io/freshet/connect/searchsink"
)

// errNotObject is the reason a record that is not a JSON object fails
// the transform of an emitter that takes objects.
var errNotObject = errors.New("the record is not a JSON object")

// object decodes a line that must be a JSON object.
func object(line []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil || m == nil {
		return nil, errNotObject
	}
	return m, nil
}

// document makes the searchsink document of a line.
func document(line []byte) (searchsink.Document, error) {
	if b := bytes.TrimSpace(line); len(b) == 0 || b[0] != '{' {
		return searchsink.Document{}, errNotObject
	}
	return searchsink.Document{Source: line}, nil
}

// dynamoItem makes the DynamoDB item of a line, a JSON object: strings
// become S, numbers N (exactly as written), booleans BOOL, null NULL,
// arrays L and objects M.
func dynamoItem(line []byte) (dynamosink.Item, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, errNotObject
	}
	item, err := attributevalue.MarshalMap(numbers(m))
	if err != nil {
		return nil, fmt.Errorf("the record cannot be a DynamoDB item: %w", err)
	}
	return item, nil
}

// numbers replaces the json.Numbers in v by attributevalue.Numbers, which
// marshal as N.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		return attributevalue.Number(v)
	case map[string]any:
		for k, e := range v {
			v[k] = numbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbers(e)
		}
	}
	return v
}

// rowBuilder makes pgsink rows of JSON objects: each column takes the
// value of its field, converted to the column's type as PostgreSQL would
// read it from text.
type rowBuilder struct {
	fields []string // per column, the key in the object
	oids   []uint32 // per column, its type
	maps   sync.Pool
}

func newRowBuilder(ctx context.Context, pool *pgxpool.Pool, pg *Postgres) (*rowBuilder, error) {
	b := &rowBuilder{maps: sync.Pool{New: func() any { return pgtype.NewMap() }}}
	cols := make([]string, len(pg.Columns))
	for i, c := range pg.Columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
		f := c
		if k, ok := pg.Fields[c]; ok {
			f = k
		}
		b.fields = append(b.fields, f)
	}
	table := pgx.Identifier(strings.Split(pg.Table, ".")).Sanitize()
	rows, err := pool.Query(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table+" LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("config: emitter.postgres: reading the columns of %s: %w", pg.Table, err)
	}
	for _, fd := range rows.FieldDescriptions() {
		b.oids = append(b.oids, fd.DataTypeOID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("config: emitter.postgres: reading the columns of %s: %w", pg.Table, err)
	}
	return b, nil
}

// row makes the row of a line, a JSON object. A missing field or a JSON
// null is NULL. A json or jsonb column takes the field's JSON as it is.
// Other columns take the field's text (a string's contents, or a number
// or boolean as written; an object or array as JSON for text columns),
// read as PostgreSQL writes values of the column's type in text (pgx's
// text decoding); timestamp columns also take RFC 3339 times.
func (b *rowBuilder) row(line []byte) (pgsink.Row, error) {
	obj, err := object(line)
	if err != nil {
		return nil, err
	}
	m := b.maps.Get().(*pgtype.Map)
	defer b.maps.Put(m)
	row := make(pgsink.Row, len(b.fields))
	for i, f := range b.fields {
		raw, ok := obj[f]
		if !ok || string(raw) == "null" {
			continue
		}
		v, err := b.value(m, b.oids[i], raw)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f, err)
		}
		row[i] = v
	}
	return row, nil
}

func (b *rowBuilder) value(m *pgtype.Map, oid uint32, raw json.RawMessage) (any, error) {
	switch oid {
	case pgtype.JSONOID, pgtype.JSONBOID:
		return raw, nil
	}
	var text string
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	case '{', '[':
		if oid != pgtype.TextOID && oid != pgtype.VarcharOID && oid != pgtype.BPCharOID {
			return nil, errors.New("an object or array goes only into a json, jsonb or text column")
		}
		text = string(raw)
	default:
		text = string(raw)
	}
	if oid == pgtype.TimestamptzOID || oid == pgtype.TimestampOID {
		if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
			return t, nil
		}
	}
	if _, ok := m.TypeForOID(oid); !ok {
		return text, nil // a type pgx does not know (an enum, say): as text
	}
	var v any
	if err := m.Scan(oid, pgtype.TextFormatCode, []byte(text), &v); err != nil {
		return nil, err
	}
	return v, nil
}
