package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"

	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/internal/loadtest"
)

// runLoadtest measures serve under load against a bare endpoint, both
// started in this process on loopback (see internal/loadtest).
func runLoadtest(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("loadtest", "[--clients N] [--requests N] [--rounds N] [--duration D] [--questions FILE] "+
		"[--host ADDR] [--serve-log FILE] [--cpuprofile FILE] [--json] [--strict]", stderr)
	opts := loadtest.Options{}
	fs.IntVar(&opts.Clients, "clients", loadtest.DefaultClients, "`N` clients sending at once")
	fs.IntVar(&opts.Requests, "requests", loadtest.DefaultRequests, "`N` requests to each endpoint, over all its rounds")
	fs.IntVar(&opts.Rounds, "rounds", loadtest.DefaultRounds, "`N` rounds for each endpoint, alternating bare and serve")
	fs.DurationVar(&opts.Duration, "duration", loadtest.DefaultDuration, "end the whole run within `D`, whatever is left unsent")
	fs.StringVar(&opts.Host, "host", loadtest.DefaultHost, "the loopback `ADDR` to listen on (127.0.0.1, ::1 or localhost)")
	questions := fs.String("questions", "", "ask the questions in `FILE`, one a line, optionally \"[es-ES] \" first (default: built in)")
	serveLog := fs.String("serve-log", "", "write serve's log (info level, text, as serve logs) to `FILE` (default: formatted and discarded)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run (generator and both endpoints) to `FILE`")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	strict := fs.Bool("strict", false, "exit 1 when a target is missed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if opts.Clients < 1 || opts.Requests < 1 || opts.Rounds < 1 || opts.Duration <= 0 {
		return usageError("--clients, --requests, --rounds and --duration must be positive")
	}
	if err := loadtest.CheckLoopback(opts.Host); err != nil {
		return usageError("--host: " + err.Error())
	}
	rep, err := loadtestRun(ctx, opts, *questions, *serveLog, *profile, stderr)
	if rep != nil {
		if werr := writeLoadReport(rep, *asJSON, stdout); werr != nil {
			return werr
		}
	}
	if err == nil && *strict && !rep.Verdict.Met {
		err = errors.New("targets missed")
	}
	return err
}

// loadtestRun sets up what the flags ask for and runs the load test,
// reporting progress to stderr.
func loadtestRun(ctx context.Context, opts loadtest.Options, questions, serveLog, profile string, stderr io.Writer) (*loadtest.Report, error) {
	var err error
	if questions != "" {
		if opts.Questions, err = readLoadQuestions(questions); err != nil {
			return nil, err
		}
	}
	logw := io.Discard
	if serveLog != "" {
		f, err := os.Create(serveLog)
		if err != nil {
			return nil, fmt.Errorf("open --serve-log: %w", err)
		}
		defer f.Close()
		logw = f
	}
	opts.Serve = serveUnderLoad(slog.New(slog.NewTextHandler(logw, nil)))
	opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	if profile != "" {
		stop, err := startCPUProfile(profile)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	return loadtest.Run(ctx, opts)
}

// readLoadQuestions reads --questions.
func readLoadQuestions(path string) ([]loadtest.Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open --questions: %w", err)
	}
	defer f.Close()
	qs, err := loadtest.ParseQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return qs, nil
}

// serveUnderLoad serves serve's own stack (newServeStack: the same
// handlers, metrics and endpoint) with the default settings (but no
// shutdown delay), the embedded
// article in memory (no store file), in-memory rate limits and /stats (no
// Redis) and no token, its deferred replies going to the load test's fake
// webhooks.
func serveUnderLoad(log *slog.Logger) loadtest.ServeFunc {
	return func(ctx context.Context, ln net.Listener, env loadtest.Env) error {
		cfg := config.Default()
		cfg.Database = ""
		cfg.Discord.ApplicationID, cfg.Discord.APIURL = env.AppID, env.APIURL
		cfg.Discord.PublicKey = hex.EncodeToString(env.PublicKey)
		cfg.HTTP.Addr = ln.Addr().String()
		cfg.HTTP.ShutdownDelay = 0 // no load balancer to wait for: the run ends at once
		st, err := newServeStack(ctx, cfg, log, env.PublicKey)
		if err != nil {
			ln.Close()
			return err
		}
		defer st.svc.close()
		return st.e.Serve(ctx, ln)
	}
}

// startCPUProfile writes a CPU profile to path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("open --cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeLoadReport prints the report, as JSON or for people.
func writeLoadReport(rep *loadtest.Report, asJSON bool, w io.Writer) error {
	if asJSON {
		return rep.WriteJSON(w)
	}
	return rep.WriteText(w)
}
