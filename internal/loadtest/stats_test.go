package loadtest

import (
	"testing"
	"time"
)

// ms makes durations of whole milliseconds.
func msList(vs ...int) []time.Duration {
	out := make([]time.Duration, len(vs))
	for i, v := range vs {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	for _, tt := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 0.5, 0},
		{"one", msList(7), 0.99, 7 * time.Millisecond},
		{"median of odd count", msList(1, 2, 3, 4, 5), 0.5, 3 * time.Millisecond},
		{"median of even count: the lower middle", msList(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 100: the 99th", hundred, 0.99, 99 * time.Millisecond},
		{"p50 of 100: the 50th", hundred, 0.5, 50 * time.Millisecond},
		{"p100", hundred, 1, 100 * time.Millisecond},
		{"p99 of 10: the largest", msList(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.99, 10 * time.Millisecond},
	} {
		if got := Percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(p=%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestSummarizeSorts(t *testing.T) {
	lat := msList(9, 1, 5, 3, 7, 2, 8, 4, 6, 100)
	got := Summarize(lat)
	want := Latency{Median: 5 * time.Millisecond, P99: 100 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if (Summarize(nil) != Latency{}) {
		t.Error("Summarize(nil) is not zero")
	}
}

func TestThroughput(t *testing.T) {
	if got := Throughput(500, 250*time.Millisecond); got != 2000 {
		t.Errorf("Throughput(500, 250ms) = %v, want 2000", got)
	}
	if got := Throughput(5, 0); got != 0 {
		t.Errorf("Throughput over no time = %v, want 0", got)
	}
}

// The rounds of an endpoint sum up: requests and errors add, throughput
// is all requests over all the rounds' time, latencies are pooled.
func TestNewResult(t *testing.T) {
	a := newRoundResult("serve", 3, time.Second, [][]outcome{
		{{latency: time.Millisecond}, {latency: 3 * time.Millisecond, deferred: true}},
		{{kind: errStatus, err: errTest("status 500")}},
	})
	b := newRoundResult("serve", 2, time.Second, [][]outcome{{{latency: 2 * time.Millisecond}, {latency: 4 * time.Millisecond}}})
	r := newResult("serve", RoundResult{}, []RoundResult{a, b})
	if r.Requests != 5 || r.Errors.Status != 1 || r.Errors.Total() != 1 || r.Deferred != 1 || r.Errors.First != "status 500" {
		t.Errorf("result %+v", r)
	}
	if r.Throughput != 2.5 {
		t.Errorf("throughput %v, want 2.5", r.Throughput)
	}
	if r.Latency.Median != 2*time.Millisecond || r.Latency.Max != 4*time.Millisecond {
		t.Errorf("latency %+v, want median 2ms (of 1,2,3,4) and max 4ms", r.Latency)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
