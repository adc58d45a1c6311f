// Package interop proves that Kinesis clients in languages other than Go
// work unchanged against freshet's wire server. It has no API: its tests
// start a kinesistest server per run and drive it with a script per client,
// each of which exits non-zero with a message on the first mismatch:
//
//   - js/interop.mjs: the AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis,
//     pinned by js/package-lock.json), over h2c on a plain server and over h2
//     on a TLS one. The SDK's Node.js handler speaks HTTP/2 for every call
//     (prior knowledge on http://), and SubscribeToShard needs no TLS;
//   - python/interop.py: boto3, over HTTP/1.1 and HTTPS;
//   - cli/interop.sh: the AWS CLI (v2 as Debian packages it, or v1).
//
// Tools are looked up where .ci/run installs them: node with the packages
// of `npm ci` in js/, boto3 in python3 on PATH or Debian's /usr/bin/python3,
// aws on PATH or Debian's /usr/bin/aws; each interpreter found runs its
// script. A test whose tool is missing is skipped with the command that
// installs it, unless FRESHET_INTEROP=1 (set by .ci/run), which makes it
// fail instead.
package interop
