package freshet

import (
	"context"
	"strings"

	"github.com/freshet-io/freshet/internal/constraint"
)

// StartStreamEncryption and StopStreamEncryption. The engine records the
// key and marks records written while encryption is on as KMS encrypted;
// no key management is simulated (use fault injection for KMS errors).

// StartStreamEncryptionInput is the input of StartStreamEncryption.
type StartStreamEncryptionInput struct {
	StreamName string
	StreamARN  string
	// EncryptionType must be KMS.
	EncryptionType EncryptionType
	// KeyId names the KMS key: a key id or ARN, an alias ARN, "alias/Name"
	// or "alias/aws/kinesis".
	KeyId string
}

// StartStreamEncryptionOutput is the (empty) output of
// StartStreamEncryption.
type StartStreamEncryptionOutput struct{}

// StartStreamEncryption records KMS encryption on a stream: records
// written afterwards report EncryptionType KMS.
func (e *Engine) StartStreamEncryption(ctx context.Context, in *StartStreamEncryptionInput) (*StartStreamEncryptionOutput, error) {
	return invoke(ctx, e, OpStartStreamEncryption, in, e.startStreamEncryption)
}

// startStreamEncryption implements StartStreamEncryption.
func (e *Engine) startStreamEncryption(ctx context.Context, in *StartStreamEncryptionInput) (*StartStreamEncryptionOutput, error) {
	if err := e.setEncryption(ctx, OpStartStreamEncryption, in.StreamName, in.StreamARN, in.EncryptionType, in.KeyId, in); err != nil {
		return nil, err
	}
	return &StartStreamEncryptionOutput{}, nil
}

// StopStreamEncryptionInput is the input of StopStreamEncryption.
type StopStreamEncryptionInput struct {
	StreamName     string
	StreamARN      string
	EncryptionType EncryptionType
	KeyId          string
}

// StopStreamEncryptionOutput is the (empty) output of StopStreamEncryption.
type StopStreamEncryptionOutput struct{}

// StopStreamEncryption turns encryption off for records written from now on.
func (e *Engine) StopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	return invoke(ctx, e, OpStopStreamEncryption, in, e.stopStreamEncryption)
}

// stopStreamEncryption implements StopStreamEncryption.
func (e *Engine) stopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	if err := e.setEncryption(ctx, OpStopStreamEncryption, in.StreamName, in.StreamARN, in.EncryptionType, in.KeyId, in); err != nil {
		return nil, err
	}
	return &StopStreamEncryptionOutput{}, nil
}

func (e *Engine) setEncryption(ctx context.Context, op Operation, name, arn string, typ EncryptionType, keyID string, in any) error {
	if err := validateEncryption(constraint.Operations[string(op)], name, arn, typ, keyID); err != nil {
		return err
	}
	if typ != EncryptionKMS {
		return errInvalid("Encryption type %s is not supported. Supported encryption types: KMS", typ)
	}
	if !validKeyID(keyID) {
		return errInvalid("Invalid KeyId %s.", keyID)
	}
	st, err := e.resolve(name, arn)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return err
	}
	if op == OpStartStreamEncryption {
		st.keyID = keyID
		st.encrypted.Store(true)
	} else {
		st.keyID = ""
		st.encrypted.Store(false)
	}
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return nil
}

// validKeyID accepts the KMS key identifier forms Kinesis documents.
func validKeyID(k string) bool {
	switch {
	case strings.HasPrefix(k, "arn:aws") && strings.Contains(k, ":kms:"):
		return true
	case strings.HasPrefix(k, "alias/") && len(k) > len("alias/"):
		return true
	}
	// A bare key id: a UUID or another token without spaces.
	return !strings.ContainsAny(k, " \t\n")
}
