// Package config runs one connect.Pipeline from a JSON configuration file:
// what `freshet connect --config FILE` (and its standalone form,
// cmd/freshet-connect) does.
//
// # The file
//
// The file is JSON (the comments below explain; JSON has none). Durations
// are strings as Go's time.ParseDuration reads them ("500ms", "1m");
// omitted fields take the defaults shown.
//
//	{
//	  "source": {
//	    "stream": "orders",                     // required
//	    "endpoint": "http://127.0.0.1:4567",    // freshet serve; omit for AWS
//	    "region": "us-east-1",
//	    "initial_position": "TRIM_HORIZON",     // or LATEST (the default)
//	    "worker_id": "connector-1",             // default: host, pid, random
//	    "failover_time": "10s",
//	    "idle_time_between_reads": "1s",
//	    "max_records": 10000
//	  },
//	  "lease_store": {"type": "file", "path": "/var/lib/connector/leases.json"},
//	  "buffer": {"max_records": 500, "max_bytes": 5242880, "max_age": "60s"},
//	  "retry": {"first": "100ms", "max": "30s", "max_elapsed": "5m"},
//	  "transform": "raw",
//	  "emitter": {
//	    "type": "s3",
//	    "s3": {"bucket": "lake", "prefix": "orders/!{timestamp:yyyy/MM/dd/HH}/", "gzip": true,
//	           "endpoint": "", "region": "", "path_style": false}
//	  },
//	  "failure_policy": {"type": "block"},
//	  "exit_on_block": false,
//	  "shutdown_timeout": "30s",
//	  "log": {"level": "info", "interval": "10s"},
//	  "metrics": {"listen": "127.0.0.1:9464"}
//	}
//
// lease_store.type is "memory" (the default; checkpoints are lost when the
// process ends), "file" (one process; see FileStore), "postgres"
// ({"type": "postgres", "connection": "postgres://...", "table":
// "freshet_leases"}; the table is created if missing), "dynamodb"
// ({"type": "dynamodb", "table": "...", "endpoint": "", "region": ""}; the
// KCL's lease table layout, created if missing) or a name registered with
// RegisterLeaseStore. Connectors in several processes that share a
// postgres or dynamodb lease table, with distinct worker ids, divide the
// shards between them and take over each other's shards.
//
// transform turns each record into one line: "raw" (the data as is; a
// record holding a newline fails), "json" (the data must be JSON; it is
// compacted onto one line), "base64" (the data in base64), or "envelope"
// (a JSON object with the record's stream, shard, sequence number,
// partition key, arrival time and data: as JSON when the data is JSON,
// else base64 in data_base64). The postgres, dynamodb and opensearch
// emitters take JSON objects: their transform is "json" (the default for
// them) or "envelope", and a record that is not a JSON object fails its
// transform (and goes to the failure policy).
//
// emitter.type is one of:
//
//   - "s3", with an "s3" object as above: one object per flush.
//   - "kinesis", with {"kinesis": {"stream": "...", "endpoint": "",
//     "region": "", "partition_key": "source"}}, partition_key "source"
//     keeping the source record's key or "data" using the line itself.
//   - "postgres", with {"postgres": {"connection": "postgres://...",
//     "table": "orders", "columns": ["id", "label", "at"], "fields":
//     {"label": "name"}, "manifest": "freshet_manifest",
//     "max_rejected_rows": 100}}: each record becomes one row, loaded
//     exactly once (package pgsink). Each column takes the field of the
//     JSON object with the column's name, or the one "fields" names for it;
//     a missing field or null is NULL. A json or jsonb column takes the
//     field's JSON. Other columns take the field's text (a string's
//     contents; a number or boolean as written; an object or array only
//     for text columns), read as PostgreSQL writes values of the column's
//     type; timestamp columns also take RFC 3339 times. A value that does
//     not fit its column fails the record's transform; a row PostgreSQL
//     refuses fails at the emit, alone. With the envelope transform the
//     fields are stream, shard, sequenceNumber, subSequenceNumber,
//     partitionKey, approximateArrivalTimestamp and data (for a json or
//     jsonb column, the record's data when it is JSON).
//   - "dynamodb", with {"dynamodb": {"table": "...", "endpoint": "",
//     "region": ""}}: each record becomes one item, written with a put
//     (package dynamosink). Strings become S, numbers N (as written),
//     booleans BOOL, null NULL, arrays L, objects M. The object must hold
//     the table's key attributes with their types.
//   - "opensearch", with {"opensearch": {"addresses": ["https://..."],
//     "index": "logs", "rotation": "day", "action": "index", "username":
//     "", "password": "", "max_bulk_bytes": 5242880}}: each record becomes
//     one document, its id made of its shard and sequence number (package
//     searchsink). rotation is none, hour, day, week or month; action is
//     index (replace) or create (keep the stored document).
//
// failure_policy.type is "block" (the default), "drop", or "dead_letter"
// with "dead_letter": {"type": "s3", "bucket": "...", "prefix": "errors/",
// ...} (the s3 emitter's fields) or {"type": "kinesis", "stream": "...",
// ...}. exit_on_block makes the process stop (with an error) when a shard
// blocks, instead of carrying on with the other shards.
//
// AWS credentials and, unless given, the region come from the AWS SDK's
// default chain (environment, shared files, instance roles). An endpoint
// given without credentials in the environment uses dummy static ones, as
// freshet serve and S3 emulators accept any.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/freshet-io/freshet/connect/searchsink"
)

// Config is the configuration of one pipeline. See the package
// documentation for the file format.
type Config struct {
	Source          Source     `json:"source"`
	LeaseStore      LeaseStore `json:"lease_store"`
	Buffer          Buffer     `json:"buffer"`
	Retry           Retry      `json:"retry"`
	Transform       string     `json:"transform"`
	Emitter         Emitter    `json:"emitter"`
	FailurePolicy   Policy     `json:"failure_policy"`
	ExitOnBlock     bool       `json:"exit_on_block"`
	ShutdownTimeout Duration   `json:"shutdown_timeout"`
	Log             Log        `json:"log"`
	Metrics         Metrics    `json:"metrics"`
}

// Source is the stream read and how.
type Source struct {
	Stream               string   `json:"stream"`
	Endpoint             string   `json:"endpoint"`
	Region               string   `json:"region"`
	InitialPosition      string   `json:"initial_position"`
	WorkerID             string   `json:"worker_id"`
	FailoverTime         Duration `json:"failover_time"`
	IdleTimeBetweenReads Duration `json:"idle_time_between_reads"`
	MaxRecords           int      `json:"max_records"`
}

// LeaseStore selects the lease table. Path is for "file"; Connection and
// Table for "postgres"; Table, Endpoint and Region for "dynamodb".
// Settings holds the whole object, for stores registered with
// RegisterLeaseStore.
type LeaseStore struct {
	Type       string          `json:"type"`
	Path       string          `json:"path"`
	Connection string          `json:"connection"`
	Table      string          `json:"table"`
	Endpoint   string          `json:"endpoint"`
	Region     string          `json:"region"`
	Settings   json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the built-in stores' fields (and rejects unknown
// ones for them) and keeps the raw object for registered stores.
func (l *LeaseStore) UnmarshalJSON(b []byte) error {
	type fields LeaseStore // without the method
	var v fields
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if builtinLeaseStore(v.Type) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("lease_store: %w", err)
		}
	}
	*l = LeaseStore(v)
	l.Settings = append(json.RawMessage(nil), b...)
	return nil
}

// builtinLeaseStore reports whether name is a lease store of this package.
func builtinLeaseStore(name string) bool {
	switch name {
	case "", "memory", "file", "postgres", "dynamodb":
		return true
	}
	return false
}

// Buffer holds the buffer limits (connect.BufferLimits).
type Buffer struct {
	MaxRecords int      `json:"max_records"`
	MaxBytes   int      `json:"max_bytes"`
	MaxAge     Duration `json:"max_age"`
}

// Retry holds the backoff of failed emits (connect.Backoff).
type Retry struct {
	First      Duration `json:"first"`
	Max        Duration `json:"max"`
	MaxElapsed Duration `json:"max_elapsed"`
}

// Emitter selects the sink.
type Emitter struct {
	Type       string      `json:"type"`
	S3         *S3         `json:"s3"`
	Kinesis    *Kinesis    `json:"kinesis"`
	Postgres   *Postgres   `json:"postgres"`
	DynamoDB   *DynamoDB   `json:"dynamodb"`
	OpenSearch *OpenSearch `json:"opensearch"`
}

// S3 configures the S3 emitter or dead letter.
type S3 struct {
	Bucket    string `json:"bucket"`
	Prefix    string `json:"prefix"`
	Gzip      bool   `json:"gzip"`
	Endpoint  string `json:"endpoint"`
	Region    string `json:"region"`
	PathStyle bool   `json:"path_style"`
}

// Kinesis configures the stream emitter or dead letter.
type Kinesis struct {
	Stream       string `json:"stream"`
	Endpoint     string `json:"endpoint"`
	Region       string `json:"region"`
	PartitionKey string `json:"partition_key"`
}

// Postgres configures the PostgreSQL emitter (connect/pgsink): each record,
// a JSON object after the transform, becomes one row of Table.
type Postgres struct {
	// Connection is a PostgreSQL connection string (URL or key=value
	// form, as pgx reads it). Required.
	Connection string `json:"connection"`
	// Table is the target table ("name" or "schema.name"). Required.
	Table string `json:"table"`
	// Columns are the columns written. Required.
	Columns []string `json:"columns"`
	// Fields maps a column to the key of the JSON object its value is
	// taken from; a column not in Fields takes the key of its own name.
	Fields map[string]string `json:"fields"`
	// Manifest names the manifest table (default "freshet_manifest").
	Manifest string `json:"manifest"`
	// MaxRejectedRows is pgsink.Config.MaxRejectedRows (default 100).
	MaxRejectedRows int `json:"max_rejected_rows"`
}

// DynamoDB configures the DynamoDB emitter (connect/dynamosink): each
// record, a JSON object after the transform, becomes one item of Table.
type DynamoDB struct {
	Table    string `json:"table"`
	Endpoint string `json:"endpoint"`
	Region   string `json:"region"`
}

// OpenSearch configures the OpenSearch emitter (connect/searchsink): each
// record, a JSON object after the transform, becomes one document.
type OpenSearch struct {
	// Addresses are the cluster's URLs. Required.
	Addresses []string `json:"addresses"`
	// Index is the index, or its prefix with a rotation. Required.
	Index string `json:"index"`
	// Rotation is "none" (the default), "hour", "day", "week" or "month".
	Rotation string `json:"rotation"`
	// Action is "index" (the default) or "create".
	Action string `json:"action"`
	// Username and Password, if set, are sent with basic authentication.
	Username string `json:"username"`
	Password string `json:"password"`
	// MaxBulkBytes bounds one _bulk request (default 5 MiB).
	MaxBulkBytes int `json:"max_bulk_bytes"`
}

// Policy selects the failure policy.
type Policy struct {
	Type       string      `json:"type"`
	DeadLetter *DeadLetter `json:"dead_letter"`
}

// DeadLetter selects where failed records go: "s3" or "kinesis", with the
// fields of S3 or Kinesis.
type DeadLetter struct {
	Type string `json:"type"`
	S3
	Stream string `json:"stream"`
}

// Log configures logging: the level ("debug", "info", "warn", "error")
// and how often progress is logged (0 turns it off; default 10 s).
type Log struct {
	Level    string   `json:"level"`
	Interval Duration `json:"interval"`
}

// Metrics configures the metrics endpoint: an address to serve
// /metrics (Prometheus text format) on, or "" for none.
type Metrics struct {
	Listen string `json:"listen"`
}

// Duration is a time.Duration written as a string in JSON ("1m30s").
type Duration time.Duration

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"10s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes a duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Load reads and validates the configuration file at path. Unknown fields
// are errors, to catch typos.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse reads and validates a configuration.
func Parse(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the configuration and fills in defaults.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("config: "+format, args...)) }
	if c.Source.Stream == "" {
		bad("source.stream is required")
	}
	switch c.Source.InitialPosition {
	case "":
		c.Source.InitialPosition = "LATEST"
	case "LATEST", "TRIM_HORIZON":
	default:
		bad("source.initial_position %q: use LATEST or TRIM_HORIZON", c.Source.InitialPosition)
	}
	switch c.LeaseStore.Type {
	case "", "memory":
		c.LeaseStore.Type = "memory"
	case "file":
		if c.LeaseStore.Path == "" {
			bad("lease_store.path is required with type file")
		}
	case "postgres":
		if c.LeaseStore.Connection == "" {
			bad("lease_store.connection is required with type postgres")
		}
		if c.LeaseStore.Table == "" {
			c.LeaseStore.Table = "freshet_leases"
		}
	case "dynamodb":
		if c.LeaseStore.Table == "" {
			bad("lease_store.table is required with type dynamodb")
		}
	default:
		if _, ok := leaseStore(c.LeaseStore.Type); !ok {
			bad("lease_store.type %q is not known (memory, file, postgres, dynamodb%s)", c.LeaseStore.Type, registeredNames())
		}
	}
	// The emitters of items other than lines take JSON objects.
	objects := c.Emitter.Type == "postgres" || c.Emitter.Type == "dynamodb" || c.Emitter.Type == "opensearch"
	switch c.Transform {
	case "":
		c.Transform = "raw"
		if objects {
			c.Transform = "json"
		}
	case "raw", "base64":
		if objects {
			bad("transform %q: emitter %s takes JSON objects: use json or envelope", c.Transform, c.Emitter.Type)
		}
	case "json", "envelope":
	default:
		bad("transform %q: use raw, json, base64 or envelope", c.Transform)
	}
	switch c.Emitter.Type {
	case "s3":
		if c.Emitter.S3 == nil || c.Emitter.S3.Bucket == "" {
			bad("emitter.s3.bucket is required with type s3")
		}
	case "kinesis":
		if c.Emitter.Kinesis == nil || c.Emitter.Kinesis.Stream == "" {
			bad("emitter.kinesis.stream is required with type kinesis")
		} else {
			switch c.Emitter.Kinesis.PartitionKey {
			case "":
				c.Emitter.Kinesis.PartitionKey = "source"
			case "source", "data":
			default:
				bad("emitter.kinesis.partition_key %q: use source or data", c.Emitter.Kinesis.PartitionKey)
			}
		}
	case "postgres":
		pg := c.Emitter.Postgres
		switch {
		case pg == nil || pg.Connection == "":
			bad("emitter.postgres.connection is required with type postgres")
		case pg.Table == "":
			bad("emitter.postgres.table is required")
		case len(pg.Columns) == 0:
			bad("emitter.postgres.columns is required")
		}
		if pg != nil {
			for col := range pg.Fields {
				if !slices.Contains(pg.Columns, col) {
					bad("emitter.postgres.fields: %q is not one of the columns", col)
				}
			}
		}
	case "dynamodb":
		if c.Emitter.DynamoDB == nil || c.Emitter.DynamoDB.Table == "" {
			bad("emitter.dynamodb.table is required with type dynamodb")
		}
	case "opensearch":
		o := c.Emitter.OpenSearch
		switch {
		case o == nil || len(o.Addresses) == 0:
			bad("emitter.opensearch.addresses is required with type opensearch")
		case o.Index == "":
			bad("emitter.opensearch.index is required")
		}
		if o != nil {
			if _, err := searchsink.ParseRotation(o.Rotation); err != nil {
				bad("emitter.opensearch.rotation %q: use none, hour, day, week or month", o.Rotation)
			}
			switch o.Action {
			case "":
				o.Action = "index"
			case "index", "create":
			default:
				bad("emitter.opensearch.action %q: use index or create", o.Action)
			}
		}
	default:
		bad("emitter.type %q: use s3, kinesis, postgres, dynamodb or opensearch", c.Emitter.Type)
	}
	switch c.FailurePolicy.Type {
	case "":
		c.FailurePolicy.Type = "block"
	case "block", "drop":
	case "dead_letter":
		dl := c.FailurePolicy.DeadLetter
		switch {
		case dl == nil:
			bad("failure_policy.dead_letter is required with type dead_letter")
		case dl.Type == "s3" && dl.Bucket == "":
			bad("failure_policy.dead_letter.bucket is required with type s3")
		case dl.Type == "kinesis" && dl.Stream == "":
			bad("failure_policy.dead_letter.stream is required with type kinesis")
		case dl.Type != "s3" && dl.Type != "kinesis":
			bad("failure_policy.dead_letter.type %q: use s3 or kinesis", dl.Type)
		}
	default:
		bad("failure_policy.type %q: use block, drop or dead_letter", c.FailurePolicy.Type)
	}
	switch c.Log.Level {
	case "":
		c.Log.Level = "info"
	case "debug", "info", "warn", "error":
	default:
		bad("log.level %q: use debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Interval == 0 {
		c.Log.Interval = Duration(10 * time.Second)
	}
	return errors.Join(errs...)
}
