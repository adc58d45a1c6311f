package prom_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/prom"
)

// Serve an engine's metrics on /metrics.
func Example() {
	ctx := context.Background()
	e := freshet.New(freshet.WithRegion("eu-west-1"))
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		panic(err)
	}
	if _, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "customer-42", Data: []byte("hello")}); err != nil {
		panic(err)
	}

	h := prom.Handler(e) // in a server: mux.Handle("/metrics", prom.Handler(e))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.Contains(line, "freshet_incoming_") {
			fmt.Print(line)
		}
	}
	// Output:
	// # HELP freshet_incoming_bytes_total Bytes stored by PutRecord and PutRecords, data plus partition keys (CloudWatch IncomingBytes).
	// # TYPE freshet_incoming_bytes_total counter
	// freshet_incoming_bytes_total{account="000000000000",region="eu-west-1",stream="orders"} 16
	// # HELP freshet_incoming_records_total Records stored by PutRecord and PutRecords (CloudWatch IncomingRecords).
	// # TYPE freshet_incoming_records_total counter
	// freshet_incoming_records_total{account="000000000000",region="eu-west-1",stream="orders"} 1
}

// A server that creates engines on demand registers one Collector and adds
// each engine as it creates it.
func ExampleCollector_Add() {
	c := prom.NewCollector()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c) // and serve promhttp.HandlerFor(reg, promhttp.HandlerOpts{})

	for _, region := range []string{"eu-west-1", "us-east-1"} {
		e := freshet.New(freshet.WithRegion(region))
		defer e.Close()
		if _, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
			panic(err)
		}
		c.Add(e)
	}
	n, err := testutil.GatherAndCount(reg, "freshet_incoming_records_total")
	fmt.Println(n, err)
	// Output: 2 <nil>
}
