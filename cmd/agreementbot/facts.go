package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/agreementbot/agreementbot/bot"
)

func runFacts(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("facts", "[--json] [--sources DIR | --db FILE]", stderr)
	var src sourceFlags
	src.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per fact, one per line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ix, err := src.open(ctx, stderr)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for _, f := range ix.Facts() {
		if *asJSON {
			if err := enc.Encode(f); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(out, "%s  %s\n    — %s\n", f.ID, oneLine(f.Text), citationLine(f, bot.WordsFor("en")))
	}
	return nil
}
