package loadtest

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th quantile (0 < p ≤ 1) of latencies, which
// must be sorted, by the nearest-rank method: the smallest latency that
// at least p of them do not exceed (so the median of an even count is
// the lower middle one). It returns 0 for no latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	// The small tolerance keeps 0.99×100 at rank 99 whatever the float
	// rounding.
	rank := int(math.Ceil(p*float64(len(sorted)) - 1e-9))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Latency summarises the latencies of the requests answered.
type Latency struct {
	Median time.Duration
	P99    time.Duration
	Max    time.Duration
}

// Summarize returns the median, 99th percentile and maximum of latencies,
// which it sorts.
func Summarize(latencies []time.Duration) Latency {
	slices.Sort(latencies)
	if len(latencies) == 0 {
		return Latency{}
	}
	return Latency{
		Median: Percentile(latencies, 0.5),
		P99:    Percentile(latencies, 0.99),
		Max:    latencies[len(latencies)-1],
	}
}

// Throughput is n requests in elapsed, per second; 0 when nothing was
// timed.
func Throughput(n int, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(n) / elapsed.Seconds()
}
