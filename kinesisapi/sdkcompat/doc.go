// Package sdkcompat holds no code: its subdirectories are the tests that
// drive freshet's wire protocol with the unmodified AWS SDK for Go v2 (the
// kinesistest server, the SigV4 verifier, the JSON and event-stream codecs,
// the handler). They live in a module of their own so that the SDK, which
// they need, never enters the module graph of a program importing the
// engine or kinesistest.
package sdkcompat
