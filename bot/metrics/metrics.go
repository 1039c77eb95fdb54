package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/agreementbot/agreementbot/bot"
)

// The transports a process takes questions over, the value of the
// questions' transport label.
const (
	TransportGateway = "gateway" // agreementbot run
	TransportHTTP    = "http"    // agreementbot serve
)

// The metrics' names.
const (
	NameQuestions        = "agreementbot_questions_total"
	NameAnswerDuration   = "agreementbot_answer_duration_seconds"
	NameReloads          = "agreementbot_reloads_total"
	NameReloadFailures   = "agreementbot_reload_failures_total"
	NameSourcesLoaded    = "agreementbot_sources_loaded"
	NameFactsLoaded      = "agreementbot_facts_loaded"
	NameVotes            = "agreementbot_votes_total"
	NameGatewayConnected = "agreementbot_gateway_connected"
	NameTranslations     = "agreementbot_translations_total"
	NameTranslationHits  = "agreementbot_translation_cache_hits_total"
	NameTranslationFails = "agreementbot_translation_failures_total"
)

// answerBuckets returns the bounds, in seconds, of the answer-latency
// histogram: the engine answers in milliseconds; 1.5 s and 2 s are when
// the gateway and the HTTP endpoint defer a reply, 3 s Discord's limit
// for an autocomplete.
func answerBuckets() []float64 {
	return []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10}
}

// Options say what the process is.
type Options struct {
	// Transport is what the questions arrive over: TransportGateway or
	// TransportHTTP. It is a label of agreementbot_questions_total, the
	// same on every question of the process.
	Transport string
	// Gateway registers agreementbot_gateway_connected: set it for a
	// process connected to the gateway (agreementbot run).
	Gateway bool
}

// Metrics is a bot.Observer that keeps what it is told as Prometheus
// metrics in a registry of its own; Handler serves them. It is safe for
// concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	questions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	reloads   *prometheus.CounterVec
	failures  *prometheus.CounterVec
	sources   prometheus.Gauge
	facts     prometheus.Gauge
	gateway   *prometheus.GaugeVec // by shard; nil without Options.Gateway
	votes     *prometheus.CounterVec
}

var _ bot.Observer = (*Metrics)(nil)

// New returns metrics for a process, each label combination the bot can
// report already at zero, with the Go runtime's and the process's own
// metrics beside them.
func New(opts Options) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameQuestions,
			Help: "Questions asked, by entry point (slash, autocomplete, button, dm, mention, menu), outcome " +
				"(answered, tentative, abstained, rate_limited, refused, error) and transport (gateway, http). " +
				"entry=\"autocomplete\" counts completion requests while /ask is typed, not questions asked.",
			ConstLabels: prometheus.Labels{"transport": opts.Transport},
		}, []string{"entry", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    NameAnswerDuration,
			Help:    "Time the bot took to answer or abstain, from the request reaching the handlers to the reply, by entry point.",
			Buckets: answerBuckets(),
		}, []string{"entry"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameReloads,
			Help: "Reloads of the sources attempted, failed or not, by trigger (command, signal, store).",
		}, []string{"trigger"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameReloadFailures,
			Help: "Reloads of the sources that failed (the previous facts kept serving), by trigger (command, signal, store).",
		}, []string{"trigger"}),
		sources: prometheus.NewGauge(prometheus.GaugeOpts{Name: NameSourcesLoaded, Help: "Sources the facts being served come from."}),
		facts:   prometheus.NewGauge(prometheus.GaugeOpts{Name: NameFactsLoaded, Help: "Facts being served."}),
		votes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameVotes,
			Help: "Members' votes on answers, by vote (up, down) and result (counted: a first vote; changed; kept: the same vote again; failed: the activity history could not keep it).",
		}, []string{"vote", "result"}),
	}
	m.reg.MustRegister(m.questions, m.latency, m.reloads, m.failures, m.sources, m.facts, m.votes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if opts.Gateway {
		m.gateway = prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: NameGatewayConnected,
			Help: "1 while the Discord gateway connection of the shard is up, else 0; one series per shard this process runs.",
		}, []string{"shard"})
		m.reg.MustRegister(m.gateway)
	}
	m.zero()
	return m
}

// zero makes every label combination the bot reports exist from the
// start, so that a rate or an alert over it has a series before the
// first event.
func (m *Metrics) zero() {
	for _, entry := range bot.Entries() {
		m.latency.WithLabelValues(entry)
		for _, outcome := range bot.Outcomes() {
			m.questions.WithLabelValues(entry, outcome)
		}
	}
	for _, trigger := range bot.ReloadTriggers() {
		m.reloads.WithLabelValues(trigger)
		m.failures.WithLabelValues(trigger)
	}
	for _, vote := range []string{voteUp, voteDown} {
		for _, result := range bot.VoteResults() {
			m.votes.WithLabelValues(vote, result)
		}
	}
}

// The vote label's values.
const (
	voteUp   = "up"
	voteDown = "down"
)

// Vote counts a member's vote by direction and result.
func (m *Metrics) Vote(up bool, result string) {
	vote := voteDown
	if up {
		vote = voteUp
	}
	m.votes.WithLabelValues(vote, result).Inc()
}

// Handler serves the metrics in the Prometheus text format (or whatever
// format the scraper negotiates).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Question counts a question by entry and outcome and, when the bot
// answered (confidently or tentatively) or abstained, observes its
// latency.
func (m *Metrics) Question(entry, outcome string, latency time.Duration) {
	m.questions.WithLabelValues(entry, outcome).Inc()
	if outcome == bot.OutcomeAnswered || outcome == bot.OutcomeTentative || outcome == bot.OutcomeAbstained {
		m.latency.WithLabelValues(entry).Observe(latency.Seconds())
	}
}

// Reload counts a reload by trigger, and its failure.
func (m *Metrics) Reload(trigger string, ok bool) {
	m.reloads.WithLabelValues(trigger).Inc()
	if !ok {
		m.failures.WithLabelValues(trigger).Inc()
	}
}

// Loaded sets the sources and facts being served.
func (m *Metrics) Loaded(sources, facts int) {
	m.sources.Set(float64(sources))
	m.facts.Set(float64(facts))
}

// Gateway sets whether the gateway connection of shard is up; without
// Options.Gateway it does nothing. The bot reports every shard it runs as
// down before connecting it, so each has a series from the start.
func (m *Metrics) Gateway(shard int, connected bool) {
	if m.gateway == nil {
		return
	}
	v := 0.0
	if connected {
		v = 1
	}
	m.gateway.WithLabelValues(strconv.Itoa(shard)).Set(v)
}

// TranslationCounts are a machine translator's counts since the process
// started.
type TranslationCounts struct {
	// Translated counts the texts (questions, facts, topics) the
	// translation server translated.
	Translated uint64
	// CacheHits counts the questions whose translation was cached.
	CacheHits uint64
	// Failures counts the translations that failed or were not tried
	// while the server did not answer (the lexicon answered alone).
	Failures uint64
}

// CountTranslations exports the counts of a machine translator, read
// from counts at every scrape: agreementbot_translations_total,
// agreementbot_translation_cache_hits_total and
// agreementbot_translation_failures_total. Call it once, for a process
// that translates.
func (m *Metrics) CountTranslations(counts func() TranslationCounts) {
	counter := func(name, help string, field func(TranslationCounts) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(field(counts())) })
	}
	m.reg.MustRegister(
		counter(NameTranslations, "Texts the machine translation server translated: questions, and the sources' facts and topics when they are ingested.",
			func(c TranslationCounts) uint64 { return c.Translated }),
		counter(NameTranslationHits, "Questions whose translation was found in the cache instead.",
			func(c TranslationCounts) uint64 { return c.CacheHits }),
		counter(NameTranslationFails, "Translations that failed or timed out, or were not tried while the server was not answering; the lexicon answered alone.",
			func(c TranslationCounts) uint64 { return c.Failures }),
	)
}
