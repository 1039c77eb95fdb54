package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/agreementbot/agreementbot/internal/plural"
)

// The targets serve must meet, as the project's issue sets them.
const (
	// MinRatio is the least serve's throughput may be, as a share of
	// the bare endpoint's.
	MinRatio = 0.8
	// MaxP99 is the most serve's 99th-percentile latency may be.
	MaxP99 = 50 * time.Millisecond
)

// Errors counts the requests that failed, by how.
type Errors struct {
	Status    int    `json:"status"`          // answered other than 200
	Body      int    `json:"body"`            // answered 200 with the wrong reply
	Transport int    `json:"transport"`       // not answered (deferred reply missing included)
	First     string `json:"first,omitempty"` // the first error met, to tell what went wrong
}

// Total is the number of requests that failed.
func (e Errors) Total() int { return e.Status + e.Body + e.Transport }

// add counts o's error.
func (e *Errors) add(o outcome) {
	switch o.kind {
	case errStatus:
		e.Status++
	case errBody:
		e.Body++
	case errTransport:
		e.Transport++
	default:
		return
	}
	if e.First == "" {
		e.First = o.err.Error()
	}
}

// merge adds other's counts.
func (e *Errors) merge(other Errors) {
	e.Status, e.Body, e.Transport = e.Status+other.Status, e.Body+other.Body, e.Transport+other.Transport
	if e.First == "" {
		e.First = other.First
	}
}

// RoundResult is how one round against one endpoint went.
type RoundResult struct {
	Target     string        `json:"target"`
	Planned    int           `json:"planned"`  // requests the round was to send
	Requests   int           `json:"requests"` // requests sent (and ended, well or not)
	Errors     Errors        `json:"errors"`
	Deferred   int           `json:"deferred"` // answered with a deferral, the reply following through the webhook
	CutOff     int           `json:"cut_off"`  // sent but not answered when the run's time was up (not counted as requests)
	Elapsed    time.Duration `json:"-"`
	Throughput float64       `json:"throughput"` // requests per second
	Latency    Latency       `json:"latency"`    // of the requests answered without error
	// CPU is the CPU time the whole process (the clients, the endpoint
	// being sent to and the other idle) used during the round.
	CPU       time.Duration `json:"-"`
	latencies []time.Duration
}

// CPUPerRequest is the process's CPU time per request answered, the
// clients' included, in microseconds: a figure other work on the
// machine moves less than throughput. 0 when not measured.
func (rd RoundResult) CPUPerRequest() float64 { return cpuPer(rd.CPU, rd.Requests) }

// cpuPer is cpu per request, in microseconds.
func cpuPer(cpu time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(cpu) / float64(time.Microsecond) / float64(n)
}

// newRoundResult gathers the clients' outcomes of a round that took
// elapsed.
func newRoundResult(name string, planned int, elapsed time.Duration, per [][]outcome) RoundResult {
	r := RoundResult{Target: name, Planned: planned, Elapsed: elapsed}
	for _, outs := range per {
		for _, o := range outs {
			if o.kind == cutOff {
				r.CutOff++
				continue
			}
			r.Requests++
			if o.deferred {
				r.Deferred++
			}
			if o.kind != errNone {
				r.Errors.add(o)
				continue
			}
			r.latencies = append(r.latencies, o.latency)
		}
	}
	r.Throughput = Throughput(r.Requests, elapsed)
	r.Latency = Summarize(r.latencies)
	return r
}

// Result is how one endpoint did over all its rounds (the warm-up apart).
type Result struct {
	Target     string        `json:"target"`
	Requests   int           `json:"requests"`
	Errors     Errors        `json:"errors"`
	Deferred   int           `json:"deferred"`
	Elapsed    time.Duration `json:"-"`
	Throughput float64       `json:"throughput"` // requests over the time its rounds took, per second
	Latency    Latency       `json:"latency"`
	// CPUPerRequest is the process's CPU time per request over the
	// rounds, in microseconds (see RoundResult.CPUPerRequest).
	CPUPerRequest float64       `json:"cpu_per_request_us"`
	Warmup        RoundResult   `json:"warmup"`
	Rounds        []RoundResult `json:"rounds"`
}

// newResult sums up an endpoint's rounds.
func newResult(name string, warmup RoundResult, rounds []RoundResult) Result {
	r := Result{Target: name, Warmup: warmup, Rounds: rounds}
	var (
		all []time.Duration
		cpu time.Duration
	)
	for _, rd := range rounds {
		r.Requests += rd.Requests
		r.Deferred += rd.Deferred
		r.Elapsed += rd.Elapsed
		cpu += rd.CPU
		r.Errors.merge(rd.Errors)
		all = append(all, rd.latencies...)
	}
	r.Throughput = Throughput(r.Requests, r.Elapsed)
	r.Latency = Summarize(all)
	r.CPUPerRequest = cpuPer(cpu, r.Requests)
	return r
}

// allErrors counts the endpoint's failed requests, the warm-up's too.
func (r Result) allErrors() int { return r.Errors.Total() + r.Warmup.Errors.Total() }

// Report is the outcome of a load test.
type Report struct {
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"` // planned per endpoint, warm-up apart
	Rounds    int     `json:"rounds"`   // per endpoint
	Warmup    int     `json:"warmup"`   // warm-up requests per endpoint
	Questions int     `json:"questions"`
	CPUs      int     `json:"cpus"`
	Complete  bool    `json:"complete"` // every planned request was sent: --duration did not cut the run short
	Bare      Result  `json:"bare"`
	Serve     Result  `json:"serve"`
	Ratio     float64 `json:"ratio"` // serve's throughput over the bare endpoint's
	// ExtraFollowUps counts deferred replies sent twice for one
	// interaction (counted as errors).
	ExtraFollowUps int           `json:"extra_follow_ups"`
	Verdict        Verdict       `json:"verdict"`
	Elapsed        time.Duration `json:"-"`
}

// Verdict says which targets were met.
type Verdict struct {
	Ratio  bool `json:"ratio"`  // serve's throughput ≥ MinRatio × the bare endpoint's
	P99    bool `json:"p99"`    // serve's p99 ≤ MaxP99
	Errors bool `json:"errors"` // no request failed, to either endpoint, warm-up included
	Met    bool `json:"met"`    // all three, over a complete run
}

// judge fills in the ratio and the verdict.
func (r *Report) judge() {
	if r.Bare.Throughput > 0 {
		r.Ratio = r.Serve.Throughput / r.Bare.Throughput
	}
	r.Verdict = Verdict{
		Ratio:  r.Ratio >= MinRatio,
		P99:    r.Serve.Requests > 0 && r.Serve.Latency.P99 <= MaxP99,
		Errors: r.Bare.allErrors()+r.Serve.allErrors()+r.ExtraFollowUps == 0,
	}
	r.Verdict.Met = r.Complete && r.Verdict.Ratio && r.Verdict.P99 && r.Verdict.Errors
}

// MarshalJSON writes the latencies in milliseconds.
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]float64{"median_ms": ms(l.Median), "p99_ms": ms(l.P99), "max_ms": ms(l.Max)})
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

// WriteText writes the report for people: each round, each endpoint's
// totals, and the targets.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s, %s per endpoint in %s each, alternating (after %s each), %s, %s\n\n",
		plural.Count(r.Clients, "client", "clients"), plural.Count(r.Requests, "request", "requests"),
		plural.Count(r.Rounds, "round", "rounds"), plural.Count(r.Warmup, "warm-up request", "warm-up requests"),
		plural.Count(r.Questions, "question", "questions"), plural.Count(r.CPUs, "CPU", "CPUs"))
	fmt.Fprintln(tw, "round\tendpoint\trequests\terrors\tdeferred\treq/s\tmedian\tp99\tmax\tCPU/req\t")
	for i := range r.Bare.Rounds {
		writeRow(tw, fmt.Sprint(i+1), r.Bare.Rounds[i].row())
		if i < len(r.Serve.Rounds) {
			writeRow(tw, fmt.Sprint(i+1), r.Serve.Rounds[i].row())
		}
	}
	for _, res := range []Result{r.Bare, r.Serve} {
		row := RoundResult{Target: res.Target, Requests: res.Requests, Errors: res.Errors,
			Deferred: res.Deferred, Throughput: res.Throughput, Latency: res.Latency}.row()
		row[len(row)-1] = fmt.Sprintf("%.0f µs", res.CPUPerRequest)
		writeRow(tw, "all", row)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return r.writeVerdict(w)
}

// row is a round's cells after the first.
func (rd RoundResult) row() []any {
	return []any{rd.Target, rd.Requests, rd.Errors.Total(), rd.Deferred, fmt.Sprintf("%.0f", rd.Throughput),
		fmtMS(rd.Latency.Median), fmtMS(rd.Latency.P99), fmtMS(rd.Latency.Max), fmt.Sprintf("%.0f µs", rd.CPUPerRequest())}
}

// writeRow writes one line of the table.
func writeRow(tw io.Writer, first string, cells []any) {
	fmt.Fprint(tw, first)
	for _, c := range cells {
		fmt.Fprintf(tw, "\t%v", c)
	}
	fmt.Fprintln(tw, "\t")
}

// fmtMS formats d in milliseconds.
func fmtMS(d time.Duration) string { return fmt.Sprintf("%.2f ms", ms(d)) }

// writeVerdict writes the targets and whether they were met.
func (r *Report) writeVerdict(w io.Writer) error {
	errs := r.Bare.allErrors() + r.Serve.allErrors() + r.ExtraFollowUps
	if r.Serve.CPUPerRequest > 0 {
		fmt.Fprintf(w, "\nCPU per request (clients included), bare/serve: %.2f", r.Bare.CPUPerRequest/r.Serve.CPUPerRequest)
	}
	_, err := fmt.Fprintf(w, "\nserve/bare throughput: %.2f (target ≥ %.2f: %s)\nserve p99: %s (target ≤ %s: %s)\n"+
		"errors: %d (target 0: %s)\n",
		r.Ratio, MinRatio, met(r.Verdict.Ratio), fmtMS(r.Serve.Latency.P99), fmtMS(MaxP99), met(r.Verdict.P99),
		errs, met(r.Verdict.Errors))
	for _, res := range []Result{r.Bare, r.Serve} {
		if first := firstError(res); first != "" {
			fmt.Fprintf(w, "first error (%s): %s\n", res.Target, first)
		}
	}
	switch {
	case !r.Complete:
		fmt.Fprintf(w, "incomplete: --duration ended the run before every request was sent (%.1f s)\n", r.Elapsed.Seconds())
	case r.Verdict.Met:
		fmt.Fprintf(w, "all targets met (%.1f s)\n", r.Elapsed.Seconds())
	default:
		fmt.Fprintf(w, "targets missed (%.1f s)\n", r.Elapsed.Seconds())
	}
	return err
}

// firstError is the first error an endpoint met, warm-up included.
func firstError(res Result) string {
	if res.Warmup.Errors.First != "" {
		return res.Warmup.Errors.First
	}
	return res.Errors.First
}

// met says whether a target was met.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
