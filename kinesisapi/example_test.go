package kinesisapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi"
)

// A handler behind a test server: any Kinesis client pointed at srv.URL
// works against it. Here a raw JSON request creates a stream, which the
// engine then shows.
func Example() {
	e := freshet.New()
	defer e.Close()
	h := kinesisapi.NewHandler(kinesisapi.WithEngine(e))
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"StreamName":"orders","ShardCount":2}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.CreateStream")
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	out, _ := e.DescribeStreamSummary(context.Background(), &freshet.DescribeStreamSummaryInput{StreamName: "orders"})
	fmt.Println(out.StreamDescriptionSummary.StreamARN, out.StreamDescriptionSummary.OpenShardCount)
	// Output:
	// 200 OK
	// arn:aws:kinesis:us-east-1:000000000000:stream/orders 2
}
