// Command s3connector runs a Kinesis stream into S3 in one process: a
// freshet engine holds the stream, gofakes3 plays S3 over HTTP to the AWS
// SDK's S3 client, and a connect.Pipeline moves the records, gzipped, one
// object per flush, the records it cannot parse to a dead-letter prefix.
// It prints what landed.
//
//	go run ./examples/s3connector    (from the connect module)
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/s3sink"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// Click is what the stream carries.
type Click struct {
	User string `json:"user"`
	Page string `json:"page"`
	Bot  bool   `json:"bot,omitempty"`
}

func run(ctx context.Context, out io.Writer) error {
	// The stream, in process.
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "clicks", ShardCount: 2}); err != nil {
		return err
	}

	// S3: gofakes3 over HTTP, and the real SDK client, path-style.
	backend := s3mem.New()
	if err := backend.CreateBucket("lake"); err != nil {
		return err
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	client := s3.New(s3.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})

	// 300 clicks, every tenth from a bot, and one record that is not JSON.
	var entries []freshet.PutRecordsRequestEntry
	for i := range 300 {
		c := Click{User: fmt.Sprintf("u%d", i%7), Page: fmt.Sprintf("/p/%d", i), Bot: i%10 == 9}
		data, _ := json.Marshal(c)
		if i == 150 {
			data = []byte("<html>oops</html>")
		}
		entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: c.User, Data: data})
	}
	if _, err := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "clicks", Records: entries}); err != nil {
		return err
	}

	// The pipeline: parse, skip bots, buffer 50 items, write gzipped
	// objects under an hourly prefix; unparsable records go to errors/.
	em, err := s3sink.New(client, "lake", s3sink.JSON[Click],
		s3sink.WithPrefix("clicks/!{timestamp:yyyy/MM/dd/HH}/"), s3sink.WithGzip())
	if err != nil {
		return err
	}
	dl, err := s3sink.NewDeadLetter(client, "lake", "errors/")
	if err != nil {
		return err
	}
	parse := func(r connect.Record) (Click, error) {
		var c Click
		err := json.Unmarshal(r.Data, &c)
		return c, err
	}
	p := connect.New(e, "clicks", parse, connect.Emitter[Click](em),
		connect.WithFilter(func(c Click) bool { return !c.Bot }),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 50, MaxAge: time.Second}),
		connect.WithFailurePolicy(connect.DeadLetterTo(dl)),
		connect.WithConsumerOptions(
			consumer.WithInitialPosition(lease.TrimHorizon),
			consumer.WithIdleTimeBetweenReads(10*time.Millisecond)))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	for p.Stats().Total.Records < 300 {
		time.Sleep(5 * time.Millisecond)
	}
	stop() // flush, checkpoint, stop
	if err := <-done; err != nil {
		return err
	}
	st := p.Stats().Total
	fmt.Fprintf(out, "read %d records: %d stored, %d filtered, %d dead-lettered\n", st.Records, st.Emitted, st.Filtered, st.DeadLettered)

	// What landed.
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("lake")})
	if err != nil {
		return err
	}
	for _, o := range list.Contents {
		obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("lake"), Key: o.Key})
		if err != nil {
			return err
		}
		body, err := io.ReadAll(obj.Body)
		obj.Body.Close()
		if err != nil {
			return err
		}
		if strings.HasSuffix(*o.Key, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				return err
			}
			if body, err = io.ReadAll(zr); err != nil {
				return err
			}
		}
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		lines, first := 0, ""
		for sc.Scan() {
			if lines == 0 {
				first = sc.Text()
			}
			lines++
		}
		if len(first) > 100 {
			first = first[:100] + "..."
		}
		fmt.Fprintf(out, "s3://lake/%s\n    %d lines, first: %s\n", *o.Key, lines, first)
	}
	return nil
}
