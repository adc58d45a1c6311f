package freshet

import (
	"context"
	"sort"
	"strings"
	"unicode"
)

// maxTags is how many tags a stream or consumer may carry.
const maxTags = 50

// Tag is a key-value pair attached to a stream or consumer.
type Tag struct {
	Key   string
	Value string
}

// Texts of Kinesis' tag character errors. The allowed set is the API
// reference's: Unicode letters, digits, white space and _ . / = + - % @.
// Kinesis nevertheless refuses % with a second, older text (which lists
// neither digits nor %).
const (
	errTextTagChars   = "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @."
	errTextTagPercent = "Failed to %s tags %s %s %s under account %s because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'."
)

// validateTags applies Kinesis' business rules on tag keys and values
// added to the resource what ("stream" or "consumer") called name.
func validateTags(tags map[string]string, what, name, acct string) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first offending key in order decides the error
	for _, k := range keys {
		if strings.HasPrefix(k, "aws:") {
			return errInvalid("Tag keys starting with the prefix aws: are reserved for AWS use.")
		}
	}
	texts := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		texts = append(texts, k, tags[k])
	}
	return validateTagChars(texts, "add", "to", what, name, acct)
}

// validateTagKeys checks the characters of the keys of a tag removal, as
// Kinesis does (the same rules as when adding).
func validateTagKeys(keys []string, what, name, acct string) error {
	return validateTagChars(keys, "remove", "from", what, name, acct)
}

// validateTagChars checks the characters of tag keys and values: any
// character outside the allowed set is refused first, then %.
func validateTagChars(texts []string, verb, prep, what, name, acct string) error {
	for _, s := range texts {
		if !validTagText(s) {
			return errInvalid("%s", errTextTagChars)
		}
	}
	for _, s := range texts {
		if strings.ContainsRune(s, '%') {
			return errInvalid(errTextTagPercent, verb, prep, what, name, acct)
		}
	}
	return nil
}

// validTagText reports whether s holds only Unicode letters, digits, white
// space (not control characters such as tab or newline) and _ . / = + - % @.
func validTagText(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), strings.ContainsRune("_./=+-%@", r):
		case unicode.IsSpace(r) && !unicode.IsControl(r):
		default:
			return false
		}
	}
	return true
}

// mergeTags adds tags to dst unless the result would exceed the limit.
func mergeTags(dst, add map[string]string, what, name, acct string) error {
	n := len(dst)
	for k := range add {
		if _, ok := dst[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return errInvalid("Failed to add tags to %s %s under account %s because a given %s cannot have more than %d tags associated with it.",
			what, name, acct, what, maxTags)
	}
	for k, v := range add {
		dst[k] = v
	}
	return nil
}

// sortedTags lists tags by key.
func sortedTags(m map[string]string) []Tag {
	out := make([]Tag, 0, len(m))
	for k, v := range m {
		out = append(out, Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// AddTagsToStreamInput is the input of AddTagsToStream.
type AddTagsToStreamInput struct {
	StreamName string
	StreamARN  string
	// Tags to add or overwrite; a stream carries at most 50.
	Tags map[string]string
}

// AddTagsToStreamOutput is the (empty) output of AddTagsToStream.
type AddTagsToStreamOutput struct{}

// AddTagsToStream adds tags to a stream, overwriting existing keys.
func (e *Engine) AddTagsToStream(ctx context.Context, in *AddTagsToStreamInput) (*AddTagsToStreamOutput, error) {
	return invoke(ctx, e, OpAddTagsToStream, in, e.addTagsToStream)
}

// addTagsToStream implements AddTagsToStream.
func (e *Engine) addTagsToStream(ctx context.Context, in *AddTagsToStreamInput) (*AddTagsToStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := st.tag(in.Tags); err != nil {
		return nil, err
	}
	return &AddTagsToStreamOutput{}, nil
}

// tag adds tags to the stream; tags are immutable while CREATING.
func (st *Stream) tag(tags map[string]string) error {
	if err := validateTags(tags, "stream", st.name, st.e.cfg.account); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.status(st.e.now()); s == StreamStatusCreating || s == StreamStatusDeleting {
		return st.errNotActive(s)
	}
	return mergeTags(st.tags, tags, "stream", st.name, st.e.cfg.account)
}

// untag removes tag keys from the stream; absent keys are ignored.
func (st *Stream) untag(keys []string) error {
	if err := validateTagKeys(keys, "stream", st.name, st.e.cfg.account); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.status(st.e.now()); s == StreamStatusCreating || s == StreamStatusDeleting {
		return st.errNotActive(s)
	}
	for _, k := range keys {
		delete(st.tags, k)
	}
	return nil
}

// RemoveTagsFromStreamInput is the input of RemoveTagsFromStream.
type RemoveTagsFromStreamInput struct {
	StreamName string
	StreamARN  string
	// TagKeys lists 1 to 50 keys to remove; absent keys are ignored.
	TagKeys []string
}

// RemoveTagsFromStreamOutput is the (empty) output of RemoveTagsFromStream.
type RemoveTagsFromStreamOutput struct{}

// RemoveTagsFromStream removes tags from a stream.
func (e *Engine) RemoveTagsFromStream(ctx context.Context, in *RemoveTagsFromStreamInput) (*RemoveTagsFromStreamOutput, error) {
	return invoke(ctx, e, OpRemoveTagsFromStream, in, e.removeTagsFromStream)
}

// removeTagsFromStream implements RemoveTagsFromStream.
func (e *Engine) removeTagsFromStream(ctx context.Context, in *RemoveTagsFromStreamInput) (*RemoveTagsFromStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := st.untag(in.TagKeys); err != nil {
		return nil, err
	}
	return &RemoveTagsFromStreamOutput{}, nil
}

// ListTagsForStreamInput is the input of ListTagsForStream.
type ListTagsForStreamInput struct {
	StreamName string
	StreamARN  string
	// ExclusiveStartTagKey lists tags whose keys sort after it.
	ExclusiveStartTagKey string
	// Limit caps the tags returned, 1 to 50; zero means all.
	Limit int
}

// ListTagsForStreamOutput is the output of ListTagsForStream.
type ListTagsForStreamOutput struct {
	// Tags in key order.
	Tags        []Tag
	HasMoreTags bool
}

// ListTagsForStream lists a stream's tags in key order.
func (e *Engine) ListTagsForStream(ctx context.Context, in *ListTagsForStreamInput) (*ListTagsForStreamOutput, error) {
	return invoke(ctx, e, OpListTagsForStream, in, e.listTagsForStream)
}

// listTagsForStream implements ListTagsForStream.
func (e *Engine) listTagsForStream(ctx context.Context, in *ListTagsForStreamInput) (*ListTagsForStreamOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	all := sortedTags(st.tags)
	st.mu.Unlock()
	out := &ListTagsForStreamOutput{Tags: []Tag{}}
	for _, t := range all {
		if t.Key <= in.ExclusiveStartTagKey {
			continue
		}
		if in.Limit > 0 && len(out.Tags) == in.Limit {
			out.HasMoreTags = true
			break
		}
		out.Tags = append(out.Tags, t)
	}
	return out, nil
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	// ResourceARN is a stream or consumer ARN.
	ResourceARN string
	Tags        map[string]string
}

// TagResourceOutput is the (empty) output of TagResource.
type TagResourceOutput struct{}

// TagResource adds tags to a stream or consumer addressed by ARN.
func (e *Engine) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	return invoke(ctx, e, OpTagResource, in, e.tagResource)
}

// tagResource implements TagResource.
func (e *Engine) tagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	r, err := e.taggable(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := r.tag(in.Tags); err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

// UntagResourceOutput is the (empty) output of UntagResource.
type UntagResourceOutput struct{}

// UntagResource removes tags from a stream or consumer addressed by ARN.
func (e *Engine) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	return invoke(ctx, e, OpUntagResource, in, e.untagResource)
}

// untagResource implements UntagResource.
func (e *Engine) untagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	r, err := e.taggable(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := r.untag(in.TagKeys); err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceARN string
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// ListTagsForResource lists the tags of a stream or consumer by ARN.
func (e *Engine) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return invoke(ctx, e, OpListTagsForResource, in, e.listTagsForResource)
}

// listTagsForResource implements ListTagsForResource.
func (e *Engine) listTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	r, err := e.taggable(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceOutput{Tags: r.tagList()}, nil
}

// taggable is a stream or a consumer: what TagResource, UntagResource and
// ListTagsForResource address by ARN.
type taggable interface {
	tag(tags map[string]string) error
	untag(keys []string) error
	tagList() []Tag
}

// taggable resolves a stream or consumer ARN to what it tags.
func (e *Engine) taggable(arn string) (taggable, error) {
	st, c, err := e.resource(arn)
	switch {
	case err != nil:
		return nil, err
	case c != nil:
		return c, nil
	}
	return st, nil
}

// tagList returns the stream's tags, sorted by key.
func (st *Stream) tagList() []Tag {
	st.mu.Lock()
	defer st.mu.Unlock()
	return sortedTags(st.tags)
}

// resource resolves a stream or consumer ARN; the consumer is nil for a
// stream ARN.
func (e *Engine) resource(arn string) (*Stream, *consumer, error) {
	if i := strings.Index(arn, "/consumer/"); i >= 0 {
		st, c, err := e.consumerByARN(arn)
		return st, c, err
	}
	st, err := e.resolve("", arn)
	return st, nil, err
}
