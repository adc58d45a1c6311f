package searchsink_test

import (
	"fmt"
	"time"

	"github.com/freshet-io/freshet/connect/searchsink"
)

// Index names rotate with the records' arrival times, in UTC.
func ExampleIndexName() {
	at := time.Date(2024, 12, 30, 8, 15, 0, 0, time.UTC)
	for _, r := range []searchsink.Rotation{searchsink.NoRotation, searchsink.OneHour, searchsink.OneDay, searchsink.OneWeek, searchsink.OneMonth} {
		fmt.Printf("%-5s %s\n", r, searchsink.IndexName("clicks", r, at))
	}
	// Output:
	// none  clicks
	// hour  clicks-2024-12-30-08
	// day   clicks-2024-12-30
	// week  clicks-2025-w01
	// month clicks-2024-12
}
