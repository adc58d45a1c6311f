// Package ddblease is a lease.Store in a DynamoDB table that Java Kinesis
// Client Library (KCL) 2.x workers can share: Go workers of the consumer
// package and Java KCL workers of one application may run side by side on
// one lease table and split the shards between them.
//
// # The table
//
// The table is the KCL's: one item per lease, hash key leaseKey (S), no
// sort key, created with on-demand billing when absent (see
// Store.EnsureTable). The items carry the attributes of the KCL 2.x lease
// serializer:
//
//	leaseKey                      S   the shard id; "account:stream:epoch:shardId" in multi-stream mode
//	leaseOwner                    S   the worker holding the lease; absent when none does
//	leaseCounter                  N   moved on by every renew, take, checkpoint and release
//	checkpoint                    S   a sequence number, TRIM_HORIZON, LATEST, AT_TIMESTAMP or SHARD_END
//	checkpointSubSequenceNumber   N   the user record within a KPL aggregate, else 0
//	pendingCheckpoint             S   a prepared checkpoint; absent when none
//	pendingCheckpointSubSequenceNumber N
//	ownerSwitchesSinceCheckpoint  N   owner changes since the last checkpoint
//	parentShardId                 SS  the parent shards; absent when none
//	childShardIds                 SS  the child shards, once the shard is read to its end
//	startingHashKey, endingHashKey S  the shard's hash key range
//	streamName, shardId           S   multi-stream mode only
//
// Empty sets are left out (DynamoDB has none) and read back as nil; sets
// are read back sorted. The children written by old KCL releases as
// childShardId are read too. Items whose entityType is set to anything but
// LEASE (KCL 3.x keeps worker metrics and coordinator state in the lease
// table) are not leases: Get and List do not see them and no method
// writes them.
//
// # The protocol
//
// Every write is conditional, as the KCL's: a lease is created only if its
// key is absent; Take, Renew, UpdateCheckpoint and Release succeed only if
// leaseCounter is the one the caller holds (and, except for Take, the
// owner too) and move it on by one. A failed condition is
// lease.ErrConflict; a missing item lease.ErrNotFound. Reads are strongly
// consistent (ConsistentRead), List a paginated Scan.
//
// Lease expiry, taking, stealing and renewing are the worker's business
// (package consumer); this package only stores. See DEVIATIONS.md in this
// directory for what differs from the KCL.
//
// # Corrupt items
//
// An item that cannot be read as a lease (an attribute of the wrong type,
// a checkpoint that is not a sequence number or sentinel) makes Get and
// List fail with a *CorruptLeaseError naming it; a worker then keeps the
// leases it holds but takes no new ones until the item is repaired or
// deleted. See CorruptLeaseError.
package ddblease
