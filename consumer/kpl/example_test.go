package kpl_test

import (
	"errors"
	"fmt"

	"github.com/freshet-io/freshet/consumer/kpl"
)

func ExampleDeaggregate() {
	data := kpl.Aggregate([]kpl.SubRecord{
		{PartitionKey: "user-1", Data: []byte("login")},
		{PartitionKey: "user-2", Data: []byte("logout")},
	})

	subs, err := kpl.Deaggregate(data)
	if err != nil {
		panic(err)
	}
	for _, s := range subs {
		fmt.Printf("%d %s %s\n", s.SubSequenceNumber, s.PartitionKey, s.Data)
	}

	// A record that is not an aggregate is delivered as it is.
	if _, err := kpl.Deaggregate([]byte("plain")); errors.Is(err, kpl.ErrNotAggregated) {
		fmt.Println("plain record: deliver as is")
	}
	// Output:
	// 0 user-1 login
	// 1 user-2 logout
	// plain record: deliver as is
}

func ExampleFilter() {
	// Shard 1 of a 3-shard stream.
	shard, err := kpl.ParseHashKeyRange(
		"113427455640312821154458202477256070485",
		"226854911280625642308916404954512140969")
	if err != nil {
		panic(err)
	}
	subs, err := kpl.Deaggregate(kpl.Aggregate([]kpl.SubRecord{
		{PartitionKey: "a", Data: []byte("for shard 0")},
		{PartitionKey: "b", Data: []byte("for shard 1")},
		{PartitionKey: "e", Data: []byte("for shard 2")},
	}))
	if err != nil {
		panic(err)
	}
	for _, s := range kpl.Filter(shard, subs) {
		fmt.Printf("%d %s\n", s.SubSequenceNumber, s.Data)
	}
	// Output:
	// 1 for shard 1
}
