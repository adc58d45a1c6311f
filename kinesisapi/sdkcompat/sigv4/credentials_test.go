package sigv4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := sigv4.LoadCredentialsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(store) != 2 {
		t.Fatalf("store has %d credentials, want 2", len(store))
	}
	for _, want := range []sigv4.Credentials{alice, temp} {
		if got, ok := store.Lookup(want.AccessKeyID); !ok || got != want {
			t.Errorf("Lookup(%q) = %+v, %v, want %+v", want.AccessKeyID, got, ok, want)
		}
	}
	if _, ok := store.Lookup("AKIDNOBODY"); ok {
		t.Error("Lookup of an unknown key succeeded")
	}

	if _, err := sigv4.LoadCredentialsFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadCredentialsFile of a missing file succeeded")
	}
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
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseCredentials error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
