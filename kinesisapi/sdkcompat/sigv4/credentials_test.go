package sigv4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

func TestLoadCredentialsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials.json")
	data := `{
  "Credentials": [
    {"AccessKeyId": "AKIDALICE", "SecretAccessKey": "alice-secret", "Principal": "arn:aws:iam::123456789012:user/alice"},
    {"AccessKeyId": "ASIATEMP", "SecretAccessKey": "temp-secret", "SessionToken": "temp-token",
     "Principal": "arn:aws:sts::123456789012:assumed-role/app/session"}
  ]
}
`
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
	store, err := sigv4.LoadCredentialsFile(path)
	require.NoError(t, err)
	require.Len(t, store, 2, "credentials in the store")
	for _, want := range []sigv4.Credentials{alice, temp} {
		got, ok := store.Lookup(want.AccessKeyID)
		assert.True(t, ok, "Lookup(%q)", want.AccessKeyID)
		assert.Equal(t, want, got, "Lookup(%q)", want.AccessKeyID)
	}
	_, ok := store.Lookup("AKIDNOBODY")
	assert.False(t, ok, "Lookup of an unknown key succeeded")

	_, err = sigv4.LoadCredentialsFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.Error(t, err, "LoadCredentialsFile of a missing file succeeded")
}

func TestParseCredentialsStrict(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
	}{
		{"not JSON", `AKID,secret`, "invalid character"},
		{"empty", ``, "EOF"},
		{"no credentials", `{}`, "no Credentials"},
		{"empty list", `{"Credentials": []}`, "no Credentials"},
		{"unknown member", `{"Credentials": [{"AccessKeyId": "A", "SecretAccessKey": "s", "Region": "us-east-1"}]}`, "unknown field"},
		{"unknown top-level member", `{"Credentials": [{"AccessKeyId": "A", "SecretAccessKey": "s"}], "Extra": 1}`, "unknown field"},
		{"trailing data", `{"Credentials": [{"AccessKeyId": "A", "SecretAccessKey": "s"}]} {}`, "data after"},
		{"missing key", `{"Credentials": [{"SecretAccessKey": "s"}]}`, "missing AccessKeyId"},
		{"missing secret", `{"Credentials": [{"AccessKeyId": "A"}]}`, "missing SecretAccessKey"},
		{"slash in key", `{"Credentials": [{"AccessKeyId": "A/B", "SecretAccessKey": "s"}]}`, "has '/'"},
		{"long key", `{"Credentials": [{"AccessKeyId": "` + strings.Repeat("A", 129) + `", "SecretAccessKey": "s"}]}`, "longer than 128"},
		{"duplicate key", `{"Credentials": [{"AccessKeyId": "A", "SecretAccessKey": "s"}, {"AccessKeyId": "A", "SecretAccessKey": "t"}]}`, "duplicate AccessKeyId"},
		{"principal not an ARN", `{"Credentials": [{"AccessKeyId": "A", "SecretAccessKey": "s", "Principal": "alice"}]}`, "not an ARN"},
		{"wrong type", `{"Credentials": [{"AccessKeyId": 12, "SecretAccessKey": "s"}]}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sigv4.ParseCredentials([]byte(tt.data))
			require.ErrorContains(t, err, tt.wantErr, "ParseCredentials")
		})
	}
}
