package freshet

// maxPartitionKeyLength is the model's maximum PartitionKey length, in
// UTF-16 code units as Kinesis (a Java service) counts string lengths.
const maxPartitionKeyLength = 256

// partitionKeyTooLong reports whether key is longer than Kinesis allows:
// more than 256 UTF-16 code units, where a character outside the Basic
// Multilingual Plane (an emoji) counts twice. Keys of at most 256 bytes
// never are, since no character takes fewer bytes in UTF-8 than units in
// UTF-16; only longer ones are counted.
func partitionKeyTooLong(key string) bool {
	if len(key) <= maxPartitionKeyLength {
		return false
	}
	units := 0
	for _, r := range key {
		units++
		if r >= 0x10000 {
			units++
		}
	}
	return units > maxPartitionKeyLength
}
