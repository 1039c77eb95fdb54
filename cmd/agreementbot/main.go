package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal the process stops gracefully (serve keeps
	// answering for http.shutdown_delay, then drains); a second one gets
	// Go's default handling and ends it at once.
	context.AfterFunc(ctx, stop)
	var stdin io.Reader = os.Stdin
	if isTerminal(os.Stdin) {
		stdin = terminal{os.Stdin}
	}
	code := run(ctx, os.Args[1:], stdin, os.Stdout, os.Stderr)
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
		{"teach", "teach that a question is answered by a fact (a phrasing in the sources' taught.yaml)", runTeach},
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

// exitRefused is the exit status of ask when it answered every question
// it could but refused some (empty, too long).
const exitRefused = 3

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		if len(args) > 1 && args[0] == "help" { // help COMMAND: the command's own help
			return run(ctx, []string{args[1], "-h"}, stdin, stdout, stderr)
		}
		usage(stderr)
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
		case errors.As(err, new(refusedError)):
			fmt.Fprintf(stderr, "agreementbot %s: %v\n", c.name, err)
			return exitRefused
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
	cmds := commands()
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'agreementbot COMMAND -h' or 'agreementbot help COMMAND' for a command's flags.")
	fmt.Fprintln(w, "Flags may come before or after a command's other arguments; '--' ends the flags.")
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

// parseFlags parses the flags of a command that takes no other
// arguments: anything else is a usageError, as is a flag error (the flag
// package has already printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}

// parseFlagsAndArgs parses args, in which flags and other arguments may
// come in any order, as people type them ("ask Who? --db f.db"); "--"
// ends the flags. The other arguments are then fs.Args(), in order. A
// flag error is a usageError (the flag package has already printed it).
func parseFlagsAndArgs(fs *flag.FlagSet, args []string) error {
	flags, rest := splitFlags(fs, args)
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		if strings.HasPrefix(err.Error(), "flag provided but not defined") {
			// Most likely a word of a question: say how to give it.
			return usageError(fmt.Sprintf("a word that starts with \"-\" is read as a flag; put the question after \"--\": agreementbot %s [flags] -- QUESTION", fs.Name()))
		}
		return usageError("")
	}
	// Only flags were given, so Parse consumed them all; parse the other
	// arguments as what follows "--", for fs.Args to return them.
	if err := fs.Parse(append([]string{"--"}, rest...)); err != nil {
		return usageError("")
	}
	return nil
}

// splitFlags separates the flags of args, each with its value when it
// takes the next argument as one, from the other arguments. An argument
// is a flag when it starts with "-" and is more than "-"; "--" ends the
// flags.
func splitFlags(fs *flag.FlagSet, args []string) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(rest, args[i+1:]...)
		case len(a) < 2 || a[0] != '-':
			rest = append(rest, a)
		default:
			flags = append(flags, a)
			if takesValue(fs, a) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return flags, rest
}

// takesValue reports whether the flag arg ("-top", "--db") takes its value
// from the next argument: it is defined, not a boolean, and has no
// "=value" of its own.
func takesValue(fs *flag.FlagSet, arg string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}
