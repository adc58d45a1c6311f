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
// process ends), "file" (one process; see FileStore) or a name registered
// with RegisterLeaseStore (the DynamoDB and PostgreSQL stores, which let
// several processes share a stream, register themselves there).
//
// transform turns each record into one line: "raw" (the data as is; a
// record holding a newline fails), "json" (the data must be JSON; it is
// compacted onto one line), "base64" (the data in base64), or "envelope"
// (a JSON object with the record's stream, shard, sequence number,
// partition key, arrival time and data: as JSON when the data is JSON,
// else base64 in data_base64).
//
// emitter.type is "s3" (with an "s3" object as above) or "kinesis"
// (with {"kinesis": {"stream": "...", "endpoint": "", "region": "",
// "partition_key": "source"}}, partition_key "source" keeping the source
// record's key or "data" using the line itself).
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
	"time"
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

// LeaseStore selects the lease table. Settings holds the whole object,
// for stores registered with RegisterLeaseStore.
type LeaseStore struct {
	Type     string          `json:"type"`
	Path     string          `json:"path"`
	Settings json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the raw object for registered stores.
func (l *LeaseStore) UnmarshalJSON(b []byte) error {
	var v struct {
		Type string `json:"type"`
		Path string `json:"path"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	l.Type, l.Path, l.Settings = v.Type, v.Path, append(json.RawMessage(nil), b...)
	return nil
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
	Type    string   `json:"type"`
	S3      *S3      `json:"s3"`
	Kinesis *Kinesis `json:"kinesis"`
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
	default:
		if _, ok := leaseStore(c.LeaseStore.Type); !ok {
			bad("lease_store.type %q is not known (memory, file%s)", c.LeaseStore.Type, registeredNames())
		}
	}
	switch c.Transform {
	case "":
		c.Transform = "raw"
	case "raw", "json", "base64", "envelope":
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
	default:
		bad("emitter.type %q: use s3 or kinesis", c.Emitter.Type)
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
