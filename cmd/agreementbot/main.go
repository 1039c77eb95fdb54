// Command agreementbot answers questions about the 28 February 2024
// agreement of the United States, Mexico and Guatemala with cited facts from
// its sources: from the command line, or as a Discord bot (over the
// gateway, or as an HTTP interactions endpoint).
//
// Usage:
//
//	agreementbot ask [--json] [--top N] [--sources DIR | --db FILE] [QUESTION...]
//	agreementbot facts [--json] [--sources DIR | --db FILE]
//	agreementbot ingest --sources DIR --db FILE [--config FILE]
//	agreementbot eval [--file FILE] [--verbose] [--leave-one-out] [--threshold X] [--sources DIR | --db FILE]
//	agreementbot calibrate [--squad DIR] [--out FILE]
//	agreementbot run [--config FILE]
//	agreementbot serve [--config FILE]
//	agreementbot loadtest [--clients N] [--requests N] [--duration D] [--questions FILE] [--json]
//	agreementbot config check [--config FILE]
//
// With neither --sources nor --db it uses the article embedded in the
// binary, so it needs no set-up at all.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"ask", "answer questions with cited facts", runAsk},
		{"facts", "list the facts with their ids and citations", runFacts},
		{"ingest", "build the SQLite fact store from a sources directory", runIngest},
		{"eval", "measure answer quality on a question file", runEval},
		{"calibrate", "fit the confidence model on the development data", runCalibrate},
		{"run", "run the Discord bot (token from DISCORD_TOKEN or the config)", runBot},
		{"serve", "serve Discord's HTTP interactions endpoint (needs the application's public key and id)", runServe},
		{"loadtest", "measure serve under load against a bare endpoint, on this machine", runLoadtest},
		{"config", "check a config file and print the effective settings", runConfig},
	}
}

// usageError is a mistake on the command line. The command's usage has
// already been printed; the message, if any, says what was wrong.
type usageError string

func (e usageError) Error() string { return string(e) }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdin, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, new(usageError)):
			if msg := err.Error(); msg != "" {
				fmt.Fprintf(stderr, "agreementbot %s: %s\n", c.name, msg)
			}
			return 2
		default:
			fmt.Fprintf(stderr, "agreementbot %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "agreementbot: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "agreementbot answers questions about the US-Mexico-Guatemala migration agreement of 28 February 2024.")
	fmt.Fprintln(w, "\nUsage: agreementbot COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'agreementbot COMMAND -h' for a command's flags.")
}

// newFlags makes a command's flag set, printing errors and usage to stderr.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: agreementbot %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into a usageError (the flag
// package has already printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("")
	}
	return nil
}
