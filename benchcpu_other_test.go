//go:build !unix

package freshet

import "time"

// processCPU returns zero where the process's CPU time is not available:
// the benchmarks then report no CPU time.
func processCPU() time.Duration { return 0 }
