package kinesiswm

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
)

// ErrTooManyDeliveries is the Reason of a Poisoned message that was nacked
// on each of SubscriberConfig.MaxDeliveries deliveries.
var ErrTooManyDeliveries = errors.New("kinesiswm: message nacked on every delivery")

// Poisoned is a record the Subscriber gives up delivering: a message nacked
// MaxDeliveries times, or a record that is not a valid envelope when
// SubscriberConfig.InvalidEnvelope is PoisonInvalid.
type Poisoned struct {
	// Topic is the stream the record was read from.
	Topic string
	// Message is the record as a message, with its kinesis_* metadata; for
	// an invalid envelope, a raw message (MetadataRaw is "true") whose
	// payload is the record data.
	Message *message.Message
	// Reason wraps ErrTooManyDeliveries, ErrNotEnvelope or
	// ErrInvalidEnvelope.
	Reason error
}

// PoisonHandler takes a record the Subscriber gives up on. Once it returns
// nil the record counts as acknowledged, and the checkpoint moves past it.
// If it returns an error (or panics), it is called again after a pause
// (SubscriberConfig.Redelivery), for as long as the subscription runs: a
// poisoned record is never dropped silently. ctx is cancelled when the
// subscription closes or loses the record's shard.
type PoisonHandler func(ctx context.Context, p Poisoned) error

// DeadLetterStream returns a PoisonHandler that publishes each poisoned
// message to topic with pub, with MetadataPoisonReason set to the reason.
// With a Publisher of this package (envelope mode), the dead letter keeps
// the message's UUID, metadata (including the kinesis_* keys of where it
// was read) and payload.
func DeadLetterStream(pub message.Publisher, topic string) PoisonHandler {
	return func(_ context.Context, p Poisoned) error {
		msg := p.Message.Copy()
		msg.Metadata.Set(MetadataPoisonReason, p.Reason.Error())
		if err := pub.Publish(topic, msg); err != nil {
			return fmt.Errorf("kinesiswm: publishing to dead-letter stream %s: %w", topic, err)
		}
		return nil
	}
}

// callPoison calls h, turning a panic into an error.
func callPoison(ctx context.Context, h PoisonHandler, p Poisoned) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kinesiswm: poison handler panicked: %v", r)
		}
	}()
	return h(ctx, p)
}
