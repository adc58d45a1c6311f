package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "read 300 records: 269 stored, 30 filtered, 1 dead-lettered\n")
	assert.Regexp(t, `s3://lake/errors/.*\n    1 lines, first: \{"streamName":"clicks"`, s)
	objects := regexp.MustCompile(`s3://lake/clicks/\d{4}/\d\d/\d\d/\d\d/clicks-shardId-\d+-\d+-0-\d+-0\.ndjson\.gz\n    (\d+) lines`).FindAllStringSubmatch(s, -1)
	require.NotEmpty(t, objects)
	lines := 0
	for _, m := range objects {
		n, _ := strconv.Atoi(m[1])
		lines += n
	}
	assert.Equal(t, 269, lines, "every stored click is in one object")
}
