package testserver

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDynalite(t *testing.T) {
	d := StartDynalite(t)
	list := func() (*http.Response, error) {
		req, _ := http.NewRequest("POST", d.URL, strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc")
		return http.DefaultClient.Do(req)
	}
	resp, err := list()
	require.NoError(t, err)
	resp.Body.Close()
	require.Less(t, resp.StatusCode, 500) // an answer from DynamoDB's API (this request is not signed properly)
	d.Stop()
	_, err = list()
	require.Error(t, err)
	d.Start()
	resp, err = list()
	require.NoError(t, err)
	resp.Body.Close()
}

func TestPostgres(t *testing.T) {
	p := StartPostgres(t)
	require.Contains(t, p.ConnString, strconv.Itoa(p.Port))
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p.Port))
	require.NoError(t, err)
	c.Close()
	p.Stop()
	_, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p.Port))
	require.Error(t, err)
	p.Start()
	c, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p.Port))
	require.NoError(t, err)
	c.Close()
}
