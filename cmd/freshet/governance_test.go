package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/testsync"
)

// TestRunServeGovernance starts the server with a credentials file, a
// policy file and an audit log, and drives it with the SDK: signatures are
// verified, calls are authorized by the policies, and every call lands in
// the audit log once.
func TestRunServeGovernance(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials.json")
	require.NoError(t, os.WriteFile(creds, []byte(`{"Credentials":[
		{"AccessKeyId":"AKIDALICE","SecretAccessKey":"alice-secret","Principal":"arn:aws:iam::000000000000:user/alice"},
		{"AccessKeyId":"AKIDBOB","SecretAccessKey":"bob-secret","Principal":"arn:aws:iam::000000000000:user/bob"}]}`), 0o600))
	policies := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policies, []byte(`{"principals":{
		"arn:aws:iam::000000000000:user/alice":{"Statement":{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}},
		"arn:aws:iam::000000000000:user/bob":{"Statement":{"Effect":"Allow","Action":["kinesis:List*","kinesis:Describe*"],"Resource":"*"}}}}`), 0o600))
	audit := filepath.Join(dir, "audit.log")

	url, out, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json",
		"--credentials-file", creds, "--policy-file", policies, "--audit-log", audit)
	client := func(id, secret string) *kinesis.Client {
		return kinesis.New(kinesis.Options{
			BaseEndpoint:     aws.String(url),
			Region:           "us-east-1",
			Credentials:      credentials.NewStaticCredentialsProvider(id, secret, ""),
			HTTPClient:       &http.Client{},
			RetryMaxAttempts: 1,
		})
	}
	ctx := context.Background()
	alice, bob := client("AKIDALICE", "alice-secret"), client("AKIDBOB", "bob-secret")

	_, err := alice.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	_, err = bob.ListStreams(ctx, &kinesis.ListStreamsInput{})
	require.NoError(t, err)
	_, err = bob.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	require.Equal(t, "AccessDeniedException", apiErr.ErrorCode())
	require.Equal(t, "User: arn:aws:iam::000000000000:user/bob is not authorized to perform: kinesis:PutRecord on resource: "+
		"arn:aws:kinesis:us-east-1:000000000000:stream/s because no identity-based policy allows the kinesis:PutRecord action", apiErr.ErrorMessage())
	_, err = client("AKIDALICE", "wrong").ListStreams(ctx, &kinesis.ListStreamsInput{})
	require.True(t, errors.As(err, &apiErr), "%v", err)
	require.Equal(t, "InvalidSignatureException", apiErr.ErrorCode())

	require.NoError(t, stop(), out.String())
	f, err := os.Open(audit)
	require.NoError(t, err)
	defer f.Close()
	type auditLine struct {
		EventName    string `json:"eventName"`
		ErrorCode    string `json:"errorCode"`
		UserIdentity struct {
			ARN string `json:"arn"`
		} `json:"userIdentity"`
	}
	var events []auditLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line auditLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
		events = append(events, line)
	}
	require.Len(t, events, 4, "one event per call")
	require.Equal(t, "CreateStream", events[0].EventName)
	require.Equal(t, "arn:aws:iam::000000000000:user/alice", events[0].UserIdentity.ARN)
	require.Equal(t, "AccessDeniedException", events[2].ErrorCode)
	require.Equal(t, "InvalidSignatureException", events[3].ErrorCode)
}

// TestRunServeBadGovernanceFiles refuses to start with a malformed file.
func TestRunServeBadGovernanceFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"principals":{"x":{"Statement":{"Effect":"Maybe"}}}}`), 0o600))
	for _, flagName := range []string{"--policy-file", "--credentials-file"} {
		var out testsync.Buffer
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", flagName, bad}, &out)
		require.Error(t, err, flagName)
		require.Contains(t, err.Error(), flagName)
	}
	var out testsync.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--audit-log", filepath.Join(dir, "missing", "audit.log")}, &out)
	require.ErrorContains(t, err, "--audit-log")
}

// TestRunServeMetrics scrapes /metrics after some traffic and parses it
// back with the Prometheus text parser.
func TestRunServeMetrics(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json")
	ctx := context.Background()
	client := newKinesisClient(url, "us-east-1", &http.Client{})
	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	for range 3 {
		_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("12345")})
		require.NoError(t, err)
	}
	resp, err := http.Get(url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	fam := families["freshet_incoming_records_total"]
	require.NotNil(t, fam)
	require.Len(t, fam.Metric, 1)
	require.EqualValues(t, 3, fam.Metric[0].GetCounter().GetValue())
	labels := map[string]string{}
	for _, l := range fam.Metric[0].Label {
		labels[l.GetName()] = l.GetValue()
	}
	require.Equal(t, map[string]string{"account": "000000000000", "region": "us-east-1", "stream": "s"}, labels)
	require.EqualValues(t, 3*6, families["freshet_incoming_bytes_total"].Metric[0].GetCounter().GetValue())
}
