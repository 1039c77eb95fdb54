package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

// askNotes end ask's help: how questions are read, and the exit status.
const askNotes = `
With no QUESTION, ask answers each line of standard input as it is read, at
a prompt when standard input is a terminal (end with Ctrl-D).

Exit status: 0 when every question was answered or declined; 3 when some
were refused (empty, or longer than %d characters), each answered in its
place with why, and every other question still answered; 1 when an error
stopped it (the facts could not be opened, standard input could not be
read); 2 for a mistake on the command line.
`

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ask", "[--json] [--explain] [--top N] [--threshold X] [--confident X] [--sources DIR | --db FILE] [--translate URL] [QUESTION...]", stderr)
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprintf(stderr, askNotes, knowledge.MaxQuestionLength) }
	var src sourceFlags
	src.register(fs)
	src.registerTranslate(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question, one per line")
	explain := fs.Bool("explain", false, "show how each fact matched and what its confidence rests on (and, when declining, the best candidate)")
	top := fs.Int("top", knowledge.DefaultTop, fmt.Sprintf("show at most `N` facts (1-%d)", knowledge.MaxTop))
	threshold := fs.Float64("threshold", knowledge.DefaultThreshold, "abstain below this `confidence` (0-1)")
	confident := fs.Float64("confident", knowledge.DefaultConfidentThreshold, "answer confidently from this `confidence` (0-1), below it tentatively: the closest fact only")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if *top < 1 || *top > knowledge.MaxTop {
		return fmt.Errorf("--top must be between 1 and %d, not %d", knowledge.MaxTop, *top)
	}
	if *threshold <= 0 || *threshold > 1 {
		return fmt.Errorf("--threshold must be in (0, 1], not %g", *threshold)
	}
	if *confident <= 0 || *confident > 1 {
		return fmt.Errorf("--confident must be in (0, 1], not %g", *confident)
	}
	ix, err := src.open(ctx, stderr)
	if err != nil {
		return err
	}
	a := &asker{ix: ix, opt: knowledge.Options{Top: *top, Threshold: *threshold, ConfidentThreshold: *confident, Explain: *explain},
		json: *asJSON, out: bufio.NewWriter(stdout)}
	if fs.NArg() > 0 {
		err = a.ask(ctx, question{text: strings.Join(fs.Args(), " ")})
	} else {
		err = a.askLines(ctx, stdin, stderr)
	}
	if ferr := a.out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && a.refused > 0 {
		err = refusedError{refused: a.refused, asked: a.asked}
	}
	return err
}

// refusedError says that ask refused some questions (each answered with
// why) and answered the others.
type refusedError struct{ refused, asked int }

func (e refusedError) Error() string {
	return fmt.Sprintf("questions refused: %d of %d (see the answers)", e.refused, e.asked)
}

// asker answers questions for ask, counting those it refuses.
type asker struct {
	ix             *match.Index
	opt            knowledge.Options
	json           bool
	out            *bufio.Writer
	asked, refused int
}

// question is one question to answer; tooLong marks a line too long to
// read whole, whose text is only its beginning.
type question struct {
	text    string
	tooLong bool
}

// ask answers one question, in the language it is asked in. Only a
// cancelled context or a failed write is an error: a question the engine
// refuses is answered with why.
func (a *asker) ask(ctx context.Context, q question) error {
	a.asked++
	var ans knowledge.Answer
	err := knowledge.ErrQuestionTooLong
	if !q.tooLong {
		ans, err = a.ix.Answer(ctx, q.text, a.opt)
	}
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	if err != nil {
		a.refused++
	}
	if err == nil && a.opt.Explain && !ans.Answered {
		ans.Facts = knowledge.BestCandidate(ctx, a.ix, q.text)
	}
	if a.json {
		return writeJSONAnswer(a.out, q.text, ans, err)
	}
	lang := ans.Language
	if err != nil {
		lang = a.ix.Language(q.text)
	}
	writeTextAnswer(a.out, ans, err, bot.WordsFor(lang))
	return nil
}

// askLines answers each line of r as it is read, writing each answer out
// before reading the next line; blank lines are skipped. When r is a
// terminal, a prompt on stderr asks for each line.
func (a *asker) askLines(ctx context.Context, r io.Reader, stderr io.Writer) error {
	_, interactive := r.(terminal)
	prompt := func() {
		if interactive {
			fmt.Fprint(stderr, "> ")
		}
	}
	if interactive {
		fmt.Fprintln(stderr, "Ask a question and press Enter; Ctrl-D ends.")
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	lines := readLines(ctx, r)
	for prompt(); ; prompt() {
		var l line
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l = <-lines:
		}
		if l.err == io.EOF {
			if interactive {
				fmt.Fprintln(stderr)
			}
			return nil
		}
		if l.err != nil {
			return fmt.Errorf("read questions: %w", l.err)
		}
		if strings.TrimSpace(l.text) == "" && !l.tooLong {
			continue
		}
		if err := a.ask(ctx, question{text: l.text, tooLong: l.tooLong}); err != nil {
			return err
		}
		if !a.json {
			fmt.Fprintln(a.out)
		}
		if err := a.out.Flush(); err != nil {
			return err
		}
	}
}

// terminal is standard input when it is a terminal (see isTerminal):
// ask then prompts for each question.
type terminal struct{ io.Reader }

// isTerminal reports whether f is a terminal: a character device other
// than the null device, which is one too.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}

// maxLine is the longest line of standard input ask reads whole: far
// more than the longest question the engine accepts, in any script, so a
// longer line is refused as too long without being held in memory.
const maxLine = 64 << 10

// line is one line of input, or the error that ended the input (io.EOF at
// its end).
type line struct {
	text    string
	tooLong bool
	err     error
}

// readLines reads r line by line in a goroutine of its own, so that a
// cancelled context need not wait for the next line, and sends each
// line as it is read, then the error that ended the input; it stops
// sending when ctx is done. A line longer
// than maxLine is sent as its first maxLine bytes, marked too long, and
// the rest of it skipped.
func readLines(ctx context.Context, r io.Reader) <-chan line {
	lines := make(chan line)
	br := bufio.NewReaderSize(r, maxLine)
	go func() {
		for {
			text, tooLong, err := readLine(br)
			select {
			case lines <- line{text: text, tooLong: tooLong, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return lines
}

// readLine reads one line of r without its "\n" or "\r\n"; the last line
// of the input needs no "\n". See readLines for a line longer than r's
// buffer.
func readLine(r *bufio.Reader) (text string, tooLong bool, err error) {
	b, err := r.ReadSlice('\n')
	text = string(b)
	for errors.Is(err, bufio.ErrBufferFull) {
		tooLong = true
		_, err = r.ReadSlice('\n')
	}
	if err == io.EOF && text != "" {
		err = nil
	}
	if err != nil {
		return "", false, err
	}
	if !tooLong {
		text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	}
	return text, tooLong, nil
}

// jsonAnswer is the --json form of an answer.
type jsonAnswer struct {
	Question    string     `json:"question"`
	Answered    bool       `json:"answered"`
	Tentative   bool       `json:"tentative"`
	Confidence  float64    `json:"confidence"`
	Facts       []jsonFact `json:"facts"`
	Suggestions []string   `json:"suggestions"`
	Error       string     `json:"error,omitempty"`
}

type jsonFact struct {
	ID          string                 `json:"id"`
	Text        string                 `json:"text"`
	Score       float64                `json:"score"`
	Citation    knowledge.Citation     `json:"citation"`
	Explanation *knowledge.Explanation `json:"explanation,omitempty"`
}

func writeJSONAnswer(w io.Writer, q string, ans knowledge.Answer, err error) error {
	ja := jsonAnswer{Question: q, Answered: ans.Answered, Tentative: ans.Tentative, Confidence: ans.Confidence,
		Facts: []jsonFact{}, Suggestions: ans.Suggestions}
	if ja.Suggestions == nil {
		ja.Suggestions = []string{}
	}
	if err != nil {
		ja.Error = err.Error()
	}
	for _, f := range ans.Facts {
		ja.Facts = append(ja.Facts, jsonFact{ID: f.ID, Text: f.Text, Score: f.Score, Citation: f.Citation, Explanation: f.Explanation})
	}
	b, merr := json.Marshal(ja)
	if merr != nil {
		return merr
	}
	_, werr := fmt.Fprintf(w, "%s\n", b)
	return werr
}

// writeTextAnswer writes an answer for people to read, its frame in the
// bot's words of the question's language (the facts are quoted as their
// sources have them; --explain's workings stay in English).
func writeTextAnswer(w io.Writer, ans knowledge.Answer, err error, words bot.Words) {
	if err != nil {
		fmt.Fprintln(w, words.Refusal(err))
		return
	}
	fmt.Fprintln(w, words.Title(ans.Question))
	if !ans.Answered {
		fmt.Fprintln(w, words.Unknown())
		if len(ans.Suggestions) > 0 {
			fmt.Fprintln(w, words.DidYouMean())
			for _, s := range ans.Suggestions {
				fmt.Fprintf(w, "  • %s\n", s)
			}
		}
		fmt.Fprintln(w, words.Confidence(ans.Confidence, false))
		if len(ans.Facts) > 0 {
			fmt.Fprintln(w, "Best candidate, declined:")
		}
	}
	facts := ans.Facts
	if ans.Tentative {
		fmt.Fprintln(w, words.Tentative())
		facts = facts[:min(len(facts), 1)] // the closest fact, as the bot shows it
	}
	for i, f := range facts {
		fmt.Fprintf(w, "%d. %s\n", i+1, oneLine(f.Text))
		fmt.Fprintf(w, "   — %s  [%s]\n", citationLine(f.Fact, words), words.FactReference(f.ID, f.Score))
		if f.Explanation != nil {
			writeExplanation(w, f.Explanation)
		}
	}
	switch {
	case ans.Tentative:
		fmt.Fprintln(w, words.TentativeConfidence(ans.Confidence))
	case ans.Answered:
		fmt.Fprintln(w, words.Confidence(ans.Confidence, true))
	}
}

// writeExplanation prints how a fact matched (see
// knowledge.Explanation.Lines), indented under the fact.
func writeExplanation(w io.Writer, e *knowledge.Explanation) {
	for _, line := range e.Lines() {
		fmt.Fprintln(w, "   "+line)
	}
}

// citationLine renders a fact's citation for the terminal, in words:
// where it stands, then its own credit and the source's address.
func citationLine(f knowledge.Fact, words bot.Words) string {
	line := words.Place(f.Citation)
	if credit := f.OwnCredit(); credit != "" {
		line += " · " + credit
	}
	if f.Citation.URL != "" {
		line += " · " + f.Citation.URL
	}
	return line
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
