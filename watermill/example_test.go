package kinesiswm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/freshet-io/freshet"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// A Router reads the stream "orders", transforms each message and
// publishes the result into "shipments", all in process over one engine.
// Retry retries a failing handler; after the retries, PoisonQueue moves the
// message to "orders-poison" and the stream moves on.
func Example_router() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()

	pub, err := kinesiswm.NewPublisher(kinesiswm.PublisherConfig{Client: e, AutoCreate: e})
	if err != nil {
		panic(err)
	}
	sub, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{
		Source:        e,
		ConsumerGroup: "shipping",
		AutoCreate:    e,
	})
	if err != nil {
		panic(err)
	}

	router, err := message.NewRouter(message.RouterConfig{}, watermill.NopLogger{})
	if err != nil {
		panic(err)
	}
	poison, err := middleware.PoisonQueue(pub, "orders-poison")
	if err != nil {
		panic(err)
	}
	router.AddMiddleware(
		poison, // outermost: sees the error Retry gives up with
		middleware.Retry{MaxRetries: 2, InitialInterval: time.Millisecond}.Middleware,
	)
	router.AddHandler("ship", "orders", sub, "shipments", pub,
		func(msg *message.Message) ([]*message.Message, error) {
			order := string(msg.Payload)
			if strings.HasPrefix(order, "bad") {
				return nil, errors.New("cannot ship " + order)
			}
			out := message.NewMessage(watermill.NewUUID(), []byte("shipment for "+order))
			// Keep the order's partition key, so shipments of one
			// customer stay in order.
			out.Metadata.Set(kinesiswm.MetadataPartitionKey, msg.Metadata.Get(kinesiswm.MetadataPartitionKey))
			return []*message.Message{out}, nil
		})

	for _, order := range []string{"order-1", "bad-order", "order-2"} {
		msg := message.NewMessage(watermill.NewUUID(), []byte(order))
		msg.Metadata.Set(kinesiswm.MetadataPartitionKey, "customer-7")
		if err := pub.Publish("orders", msg); err != nil {
			panic(err)
		}
	}

	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = router.Run(rctx)
	}()
	<-router.Running()

	reader, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{Source: e, AutoCreate: e})
	if err != nil {
		panic(err)
	}
	shipments, err := reader.Subscribe(ctx, "shipments")
	if err != nil {
		panic(err)
	}
	for range 2 {
		m := <-shipments
		fmt.Println(string(m.Payload), "key", m.Metadata.Get(kinesiswm.MetadataPartitionKey))
		m.Ack()
	}
	poisoned, err := reader.Subscribe(ctx, "orders-poison")
	if err != nil {
		panic(err)
	}
	m := <-poisoned
	fmt.Println("poisoned:", string(m.Payload), "-", m.Metadata.Get(middleware.ReasonForPoisonedKey))
	m.Ack()

	stop()
	<-done
	_ = reader.Close()
	// Output:
	// shipment for order-1 key customer-7
	// shipment for order-2 key customer-7
	// poisoned: bad-order - cannot ship bad-order
}
