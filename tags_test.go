package freshet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const invalidTagChars = "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @."

// percentTagMsg is Kinesis' text for a tag key or value holding %.
func percentTagMsg(verb, prep, what, name string) string {
	return "Failed to " + verb + " tags " + prep + " " + what + " " + name + " under account 000000000000 because some tags " +
		"contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'."
}

func tooManyTagsMsg(what, name string) string {
	return "Failed to add tags to " + what + " " + name + " under account 000000000000 because a given " + what +
		" cannot have more than 50 tags associated with it."
}

// listStreamTags returns a stream's tags as a map.
func listStreamTags(t *testing.T, e *Engine, name string) map[string]string {
	t.Helper()
	out, err := e.ListTagsForStream(context.Background(), &ListTagsForStreamInput{StreamName: name})
	require.NoError(t, err)
	require.False(t, out.HasMoreTags)
	m := map[string]string{}
	for _, tag := range out.Tags {
		m[tag.Key] = tag.Value
	}
	return m
}

func TestStreamTagsAddOverwriteRemove(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	require.Empty(t, listStreamTags(t, e, "s"))

	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"team": "data", "env": "dev"}})
	require.NoError(t, err)
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamARN: arnOf("s"), Tags: map[string]string{"env": "prod", "empty": ""}})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"team": "data", "env": "prod", "empty": ""}, listStreamTags(t, e, "s"))

	_, err = e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: []string{"team", "missing"}})
	require.NoError(t, err, "absent keys are ignored")
	require.Equal(t, map[string]string{"env": "prod", "empty": ""}, listStreamTags(t, e, "s"))

	// The *Resource forms see and change the same tags.
	res, err := e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: arnOf("s")})
	require.NoError(t, err)
	require.Equal(t, []Tag{{"empty", ""}, {"env", "prod"}}, res.Tags)
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("s"), Tags: map[string]string{"owner": "me", "env": "stage"}})
	require.NoError(t, err)
	_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: arnOf("s"), TagKeys: []string{"empty", "nope"}})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"env": "stage", "owner": "me"}, listStreamTags(t, e, "s"))
}

func TestListTagsForStreamPaging(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{
		"b": "2", "a": "1", "c": "3", "aa": "11", "B": "upper", "a b": "space",
	}})
	require.NoError(t, err)
	keys := func(tags []Tag) []string {
		out := []string{}
		for _, tag := range tags {
			out = append(out, tag.Key)
		}
		return out
	}
	tests := []struct {
		start string
		limit int
		want  []string
		more  bool
	}{
		{"", 0, []string{"B", "a", "a b", "aa", "b", "c"}, false},
		{"", 2, []string{"B", "a"}, true},
		{"a", 2, []string{"a b", "aa"}, true},
		{"aa", 2, []string{"b", "c"}, false},
		{"ab", 0, []string{"b", "c"}, false}, // need not exist
		{"c", 0, []string{}, false},
		{"", 6, []string{"B", "a", "a b", "aa", "b", "c"}, false},
		{"", 50, []string{"B", "a", "a b", "aa", "b", "c"}, false},
	}
	for _, tt := range tests {
		out, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s", ExclusiveStartTagKey: tt.start, Limit: tt.limit})
		require.NoError(t, err)
		require.Equal(t, tt.want, keys(out.Tags), "start %q limit %d", tt.start, tt.limit)
		require.Equal(t, tt.more, out.HasMoreTags, "start %q limit %d", tt.start, tt.limit)
	}
	out, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s", Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []Tag{{"B", "upper"}}, out.Tags)

	_, err = e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s", Limit: 51})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"))
	_, err = e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s", Limit: -2})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '-2' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"))
}

func TestStreamTagLimit(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	tags := map[string]string{}
	for i := range 49 {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: tags})
	require.NoError(t, err)
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"x": "1", "y": "2"}})
	requireKinesisError(t, err, ErrInvalidArgument, tooManyTagsMsg("stream", "s"))
	require.Len(t, listStreamTags(t, e, "s"), 49, "a rejected call adds nothing")

	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"x": "1", "k00": "new"}})
	require.NoError(t, err, "49 + 1 new key, one overwrite: 50")
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"k01": "again"}})
	require.NoError(t, err, "overwriting at the limit is fine")
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("s"), Tags: map[string]string{"z": "1"}})
	requireKinesisError(t, err, ErrInvalidArgument, tooManyTagsMsg("stream", "s"))
	got := listStreamTags(t, e, "s")
	require.Len(t, got, 50)
	require.Equal(t, "new", got["k00"])
	require.Equal(t, "again", got["k01"])

	out, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s", Limit: 50})
	require.NoError(t, err)
	require.Len(t, out.Tags, 50)
	require.False(t, out.HasMoreTags)
}

func TestStreamTagCharacters(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	good := map[string]string{
		"Ünïcödé":      "日本語",
		"with space":   "ideographic\u3000space",
		"_./=+-@":      "_./=+-@",
		"digits 0123":  "",
		"aws":          "not a prefix",
		"prefix aws x": "aws inside is fine",
		"ключ 鍵 مفتاح": "значение",
	}
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: good})
	require.NoError(t, err)
	require.Equal(t, good, listStreamTags(t, e, "s"))

	// Outside the set (: ; , and control characters such as tab and
	// newline included) Kinesis answers one text; % has its own.
	for _, bad := range []map[string]string{
		{"a:b": "v"}, {"k": "a:b"}, {"semi;": "v"}, {"k": "a,b"}, {"k": "quote'"}, {"star*": "v"}, {"k": "#hash"},
		{"tab\tkey": "v"}, {"k": "tab\tvalue"}, {"new\nline": "v"}, {"k": "new\nline"}, {"k": "cr\r"},
		{"a%b": "v;"}, // a character outside the set wins over %
	} {
		_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: bad})
		requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
		_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("s"), Tags: bad})
		requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
	}
	for _, bad := range []map[string]string{{"a%b": "v"}, {"k": "50%"}} {
		_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: bad})
		requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("add", "to", "stream", "s"))
		_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("s"), Tags: bad})
		requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("add", "to", "stream", "s"))
	}
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "t", ShardCount: 1, Tags: map[string]string{"k": "%"}})
	requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("add", "to", "stream", "t"))
	for _, key := range []string{"aws:", "aws:created-by"} {
		_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{key: "v"}})
		requireKinesisError(t, err, ErrInvalidArgument, "Tag keys starting with the prefix aws: are reserved for AWS use.")
	}
	// A batch with one bad tag applies none of it.
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"fine": "1", "bad!": "2"}})
	requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
	require.Equal(t, good, listStreamTags(t, e, "s"))
}

func TestRemoveTagsValidatesKeyCharacters(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"keep": "v"}})
	require.NoError(t, err)
	for _, keys := range [][]string{{"a:b"}, {"keep", "tab\t"}, {"new\nline"}, {"semi;"}, {"a,b"}, {"x%", "y;"}} {
		_, err := e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: keys})
		requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
		_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: arnOf("s"), TagKeys: keys})
		requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
	}
	_, err = e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: []string{"keep", "50%"}})
	requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("remove", "from", "stream", "s"))
	require.Equal(t, map[string]string{"keep": "v"}, listStreamTags(t, e, "s"), "a refused removal removes nothing")

	reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"})
	require.NoError(t, err)
	_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: reg.Consumer.ConsumerARN, TagKeys: []string{"a\tb"}})
	requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
	_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: reg.Consumer.ConsumerARN, TagKeys: []string{"a%b"}})
	requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("remove", "from", "consumer", "app"))
}

func TestTagValidation(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'tags' failed to satisfy constraint: Member must not be null"))
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"))
	_, err = e.TagResource(ctx, &TagResourceInput{Tags: map[string]string{"k": "v"}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'resourceARN' failed to satisfy constraint: Member must not be null"))
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: "arn:aws:s3:::bucket", Tags: map[string]string{"k": "v"}})
	requireKinesisError(t, err, ErrValidation, validationMessage(
		`Value 'arn:aws:s3:::bucket' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`))

	_, err = e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"))
	_, err = e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: []string{}})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1"))
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = fmt.Sprint(i)
	}
	_, err = e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: "s", TagKeys: keys})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '["+strings.Join(keys, ", ")+"]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50"))
	_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: arnOf("s")})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"))
	_, err = e.ListTagsForResource(ctx, &ListTagsForResourceInput{})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'resourceARN' failed to satisfy constraint: Member must not be null"))

	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arnOf("missing"), Tags: map[string]string{"k": "v"}})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: arnOf("missing")})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "missing", Tags: map[string]string{"k": "v"}})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
	_, err = e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "missing"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

func TestStreamTagsWhileNotActive(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Create: time.Second, Update: time.Second, Delete: time.Second}))
	mustCreate(t, e, "s", 1)
	add := func() error {
		_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"k": "v"}})
		return err
	}
	remove := func() error {
		_, err := e.UntagResource(ctx, &UntagResourceInput{ResourceARN: arnOf("s"), TagKeys: []string{"k"}})
		return err
	}
	requireKinesisError(t, add(), ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	requireKinesisError(t, remove(), ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	clk.Advance(time.Second)
	_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/k"})
	require.NoError(t, err)
	require.Equal(t, StreamStatusUpdating, mustDescribe(t, e, "s").StreamStatus)
	require.NoError(t, add(), "tags change while UPDATING")
	require.NoError(t, remove())
	clk.Advance(time.Second)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	requireKinesisError(t, add(), ErrResourceInUse, notActiveMsg("s", StreamStatusDeleting))
}

func TestConsumerTags(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app", Tags: map[string]string{"tier": "gold"}})
	require.NoError(t, err)
	arn := reg.Consumer.ConsumerARN
	list := func() []Tag {
		t.Helper()
		out, err := e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: arn})
		require.NoError(t, err)
		return out.Tags
	}
	require.Equal(t, []Tag{{"tier", "gold"}}, list())

	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arn, Tags: map[string]string{"tier": "silver", "owner": "me"}})
	require.NoError(t, err)
	require.Equal(t, []Tag{{"owner", "me"}, {"tier", "silver"}}, list())
	_, err = e.UntagResource(ctx, &UntagResourceInput{ResourceARN: arn, TagKeys: []string{"owner", "absent"}})
	require.NoError(t, err)
	require.Equal(t, []Tag{{"tier", "silver"}}, list())
	require.Empty(t, listStreamTags(t, e, "s"), "consumer tags are not stream tags")

	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arn, Tags: map[string]string{"aws:x": "v"}})
	requireKinesisError(t, err, ErrInvalidArgument, "Tag keys starting with the prefix aws: are reserved for AWS use.")
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arn, Tags: map[string]string{"x": "100%"}})
	requireKinesisError(t, err, ErrInvalidArgument, percentTagMsg("add", "to", "consumer", "app"))
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: arn, Tags: many})
	requireKinesisError(t, err, ErrInvalidArgument, tooManyTagsMsg("consumer", "app"))
	require.Equal(t, []Tag{{"tier", "silver"}}, list())

	gone := arnOf("s") + "/consumer/ghost:1700000000"
	_, err = e.TagResource(ctx, &TagResourceInput{ResourceARN: gone, Tags: map[string]string{"k": "v"}})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+gone+" not found.")
	_, err = e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: gone})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+gone+" not found.")

	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: arn})
	require.NoError(t, err)
	_, err = e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: arn})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+arn+" not found.")
}
