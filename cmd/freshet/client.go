package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// clientConfig holds the flags the client commands (streams, tail) share:
// where the server is and how to sign requests.
type clientConfig struct {
	endpoint string
	region   string
}

// register defines the client flags on fs. Like serve's flags, each can be
// set by FRESHET_<FLAG>; the region defaults to AWS_REGION or
// AWS_DEFAULT_REGION when set.
func (c *clientConfig) register(fs *flag.FlagSet) {
	region := "us-east-1"
	for _, name := range []string{"AWS_DEFAULT_REGION", "AWS_REGION"} {
		if v := os.Getenv(name); v != "" {
			region = v
		}
	}
	fs.StringVar(&c.endpoint, "endpoint", "http://127.0.0.1:4567", "`URL` of the freshet server")
	fs.StringVar(&c.region, "region", region, "AWS `region` to sign requests for (selects the server's engine)")
}

// client returns an SDK client for the server. Requests are signed with
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) when
// set, which a server started with --credentials-file needs, else with
// placeholder credentials, which any other freshet server accepts.
func (c *clientConfig) client() *kinesis.Client {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "freshet", "freshet"
	}
	return kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(c.endpoint),
		Region:       c.region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN")),
		HTTPClient:   &http.Client{Timeout: time.Minute},
	})
}

// parseClientFlags parses the flags of a client command, taking unset ones
// from the environment, and returns its positional arguments.
func parseClientFlags(fs *flag.FlagSet, args []string, out io.Writer, usage string) ([]string, error) {
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "%s\nEvery flag may also be set by the environment variable FRESHET_<FLAG>.\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return parseFlags(fs, args, out)
}

// parseClientFlagsNoArgs is parseClientFlags for a command that takes no
// positional arguments.
func parseClientFlagsNoArgs(fs *flag.FlagSet, args []string, out io.Writer, usage string) error {
	rest, err := parseClientFlags(fs, args, out, usage)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(out, "unexpected argument %q\n", rest[0])
		fs.Usage()
		return errUsage
	}
	return nil
}

// parseFlags sets the flags of fs that args leaves unset from their
// environment variables (see envName), parses args and returns the
// positional arguments. A bad value or flag is printed to out (with the
// usage, for a flag) and returned as errUsage; -h as flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) ([]string, error) {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if v, ok := os.LookupEnv(name); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s: %v", v, name, err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintln(out, envErr)
		return nil, errUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	return fs.Args(), nil
}

// listShards lists every shard of a stream (by name or ARN), following
// NextToken.
func listShards(ctx context.Context, client *kinesis.Client, in *kinesis.ListShardsInput) ([]types.Shard, error) {
	var shards []types.Shard
	for {
		out, err := client.ListShards(ctx, in)
		if err != nil {
			return nil, err
		}
		shards = append(shards, out.Shards...)
		if out.NextToken == nil {
			return shards, nil
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
}
