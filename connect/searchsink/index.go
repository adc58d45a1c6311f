package searchsink

import (
	"fmt"
	"strings"
	"time"
)

// Rotation says how often a new index starts, from the records' arrival
// times (UTC).
type Rotation int

// The rotations, as Firehose's IndexRotationPeriod.
const (
	// NoRotation writes every document into Config.Index.
	NoRotation Rotation = iota
	// OneHour appends "-YYYY-MM-DD-HH".
	OneHour
	// OneDay appends "-YYYY-MM-DD".
	OneDay
	// OneWeek appends "-YYYY-wWW" (ISO 8601 year and week).
	OneWeek
	// OneMonth appends "-YYYY-MM".
	OneMonth
)

// ParseRotation parses "none", "hour", "day", "week" or "month" (or
// Firehose's names: NoRotation, OneHour, OneDay, OneWeek, OneMonth).
func ParseRotation(s string) (Rotation, error) {
	switch strings.ToLower(s) {
	case "", "none", "norotation":
		return NoRotation, nil
	case "hour", "onehour":
		return OneHour, nil
	case "day", "oneday":
		return OneDay, nil
	case "week", "oneweek":
		return OneWeek, nil
	case "month", "onemonth":
		return OneMonth, nil
	}
	return 0, fmt.Errorf("searchsink: unknown index rotation %q (none, hour, day, week or month)", s)
}

// String returns the rotation's name as ParseRotation takes it.
func (r Rotation) String() string {
	switch r {
	case NoRotation:
		return "none"
	case OneHour:
		return "hour"
	case OneDay:
		return "day"
	case OneWeek:
		return "week"
	case OneMonth:
		return "month"
	}
	return fmt.Sprintf("Rotation(%d)", int(r))
}

// IndexName returns the index a document that arrived at t goes to.
func IndexName(base string, r Rotation, t time.Time) string {
	t = t.UTC()
	switch r {
	case OneHour:
		return base + t.Format("-2006-01-02-15")
	case OneDay:
		return base + t.Format("-2006-01-02")
	case OneWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%s-%04d-w%02d", base, y, w)
	case OneMonth:
		return base + t.Format("-2006-01")
	}
	return base
}
