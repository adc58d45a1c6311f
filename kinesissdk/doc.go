// Package kinesissdk connects freshet's Go-native packages to the AWS SDK
// for Go v2. New wraps a *kinesis.Client, pointed at real Kinesis or at
// freshet serve, in a Client whose methods take and return freshet's types
// (the same as *freshet.Engine's), so that code written against those
// types, such as a consumer.Worker, runs unchanged over HTTP:
//
//	client := kinesis.NewFromConfig(cfg) // real Kinesis, or BaseEndpoint: freshet serve
//	err := consumer.Consume(ctx, kinesissdk.New(client), "orders", handle)
//
// Errors that Kinesis answered become *freshet.Error values with the
// exception's name and message (errors.Is(err, freshet.ErrExpiredIterator)
// works), and still unwrap to the SDK's typed exception. Sequence numbers
// and hash keys are parsed into freshet.SequenceNumber and freshet.HashKey;
// a value that does not fit (Kinesis documents up to 128 digits, production
// issues 56) is reported as an error rather than truncated.
//
// This package lives in a module of its own, so that a program importing
// only github.com/freshet-io/freshet never has the AWS SDK in its module
// graph.
package kinesissdk
