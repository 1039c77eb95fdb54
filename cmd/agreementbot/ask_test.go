package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"
)

// A question typed at a terminal is answered while the input is still
// open, after a prompt on stderr, and the next is read after it.
func TestAskAnswersEachLineAsRead(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var errOut syncbuf.Buffer
	exited := make(chan int, 1)
	go func() {
		exited <- run(t.Context(), []string{"ask", "--top", "1"}, terminal{inR}, outW, &errOut)
		outW.Close()
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for _, tt := range []struct{ question, want string }{
		{"Where did the ministers meet?", "Washington"},
		{"¿Quién ganó la Copa del Mundo de 2022?", "No lo sé"},
	} {
		fmt.Fprintln(inW, tt.question)
		awaitLine(t, lines, tt.want)
	}
	inW.Close()
	for range lines { // the rest of the last answer
	}
	if code := <-exited; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// A prompt before each question and before the end of the input.
	if n := strings.Count(errOut.String(), "> "); n != 3 {
		t.Errorf("%d prompts, want 3: %q", n, errOut.String())
	}
}

// awaitLine reads lines until one contains want. The input is still
// open, so a line that comes only at its end never comes: the guard
// fails the test rather than let it hang.
func awaitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	guard := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended without %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-guard:
			t.Fatalf("no %q while the input is open: answers wait for the end of the input", want)
		}
	}
}

// A line too long to read whole is refused with the too-long error, and
// the questions after it are still answered; the exit status says that
// some were refused.
func TestAskGoesOnAfterAnOverlongLine(t *testing.T) {
	const next = "Who hosted the foreign ministers?"
	tests := map[string]string{
		"11 MB":              strings.Repeat("x", 11<<20) + "\n" + next + "\n",
		"11 MB of spaces":    strings.Repeat(" ", 11<<20) + "x\n" + next + "\n",
		"CRLF, 2 KB":         strings.Repeat("why ", 500) + "\r\n" + next + "\r\n",
		"last, without a LF": next + "\n" + strings.Repeat("y", maxLine+1),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, in, "ask", "--json")
			if code != exitRefused || !strings.Contains(errOut, "questions refused: 1 of 2") {
				t.Errorf("exit %d, stderr %q; want %d saying one of two was refused", code, errOut, exitRefused)
			}
			var answers []jsonAnswer
			for l := range strings.Lines(out) {
				var a jsonAnswer
				if err := json.Unmarshal([]byte(l), &a); err != nil {
					t.Fatalf("%v: %.80q", err, l)
				}
				answers = append(answers, a)
			}
			var refused, answered int
			for _, a := range answers {
				switch {
				case strings.Contains(a.Error, "longer than 1000 characters") && len(a.Question) <= maxLine:
					refused++
				case a.Question == next && a.Answered && strings.Contains(a.Facts[0].Text, "Blinken"):
					answered++
				}
			}
			if len(answers) != 2 || refused != 1 || answered != 1 {
				t.Errorf("%d answers, %d refused as too long, %d answered; want one of each:\n%.300s", len(answers), refused, answered, out)
			}
		})
	}
}

// The command line answers in the question's language, in the bot's
// words; English stays English.
func TestAskSpeaksTheQuestionsLanguage(t *testing.T) {
	tests := []struct {
		question    string
		code        int
		want, avoid []string
	}{
		{"¿Dónde se reunieron los cancilleres?", 0,
			[]string{"P: ¿Dónde", "Washington", "párrafo 1", "puntuación", "Confianza"}, []string{"Confidence", "paragraph", "score"}},
		{"¿Quién ganó la Copa del Mundo de 2022?", 0,
			[]string{"No lo sé", "¿Quisiste decir", "Confianza"}, []string{"I don't know", "Did you mean", "Confidence"}},
		{strings.Repeat("¿Dónde se reunieron los cancilleres? ", 40), exitRefused,
			[]string{"no puedo responder", "más de 1000 caracteres"}, []string{"Sorry", "longer than"}},
		{"Where did the ministers meet?", 0,
			[]string{"Q: Where", "paragraph 1", "score", "Confidence"}, []string{"Confianza", "párrafo"}},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", "ask", tt.question)
		if code != tt.code {
			t.Errorf("%.40q: exit %d, want %d: %s", tt.question, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%.40q: output lacks %q:\n%s", tt.question, w, out)
			}
		}
		for _, a := range tt.avoid {
			if strings.Contains(out, a) {
				t.Errorf("%.40q: output says %q:\n%s", tt.question, a, out)
			}
		}
	}
}

// A tentative answer is marked in --json ("tentative": true, still
// "answered": true), and said so in the question's language for people,
// with the closest fact only; a confident one is neither.
func TestAskMarksTentativeAnswers(t *testing.T) {
	const q = "Where did the ministers meet?"
	for _, tt := range []struct {
		confident string
		tentative bool
	}{{"1", true}, {"1e-9", false}} {
		code, out, errOut := runCLI(t, "", "ask", "--json", "--confident", tt.confident, q)
		var a jsonAnswer
		if err := json.Unmarshal([]byte(out), &a); code != 0 || err != nil {
			t.Fatalf("--confident %s: exit %d, %v: %s%s", tt.confident, code, err, out, errOut)
		}
		if !a.Answered || a.Tentative != tt.tentative || !strings.Contains(out, fmt.Sprintf(`"tentative":%v`, tt.tentative)) {
			t.Errorf("--confident %s: %s; want answered, tentative %v", tt.confident, out, tt.tentative)
		}
	}
	for _, tt := range []struct {
		question, note, avoid string
	}{
		{q, "I'm not sure this answers it; the closest fact I found:", "No estoy seguro"},
		{"¿Dónde se reunieron los cancilleres?", "No estoy seguro de que esto lo responda; el dato más cercano que encontré:", "I'm not sure"},
	} {
		_, out, _ := runCLI(t, "", "ask", "--confident", "1", tt.question)
		if !strings.Contains(out, tt.note) || strings.Contains(out, tt.avoid) || strings.Contains(out, "\n2. ") {
			t.Errorf("%q, tentative: output lacks %q, or has more than the closest fact:\n%s", tt.question, tt.note, out)
		}
		_, out, _ = runCLI(t, "", "ask", "--confident", "1e-9", tt.question)
		if strings.Contains(out, tt.note) {
			t.Errorf("%q, confident: output says %q:\n%s", tt.question, tt.note, out)
		}
	}
}
