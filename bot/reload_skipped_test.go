package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// skippingLibrary is a test library whose reloads skip files.
type skippingLibrary struct {
	*testLibrary
	skipped []knowledge.SkippedFile
}

func (l skippingLibrary) Reload(ctx context.Context) (knowledge.ReloadReport, error) {
	rep, err := l.testLibrary.Reload(ctx)
	rep.Skipped = l.skipped
	return rep, err
}

// /reload names, in the admin's language, each file of the sources
// directory it did not read and why: up to ten of them, then how many
// more.
func TestReloadNamesSkippedFiles(t *testing.T) {
	_, base := newTestHandlers(t, HandlerOptions{})
	skipped := []knowledge.SkippedFile{
		{Name: "photo.jpg", Reason: knowledge.SkipType},
		{Name: "old", Reason: knowledge.SkipDirectory},
		{Name: "a_b*.md~", Reason: knowledge.SkipType},
	}
	tests := []struct {
		locale string
		want   []string
	}{
		{"en-US", []string{"Reloaded", "Not read as sources (3)", "photo.jpg: not a source type", "old: a folder", `a\_b\*.md\~`}},
		{"es-ES", []string{"Recarga completada", "No se leyeron como fuentes (3)", "photo.jpg: no es un tipo de fuente", "old: una carpeta"}},
	}
	for _, tt := range tests {
		h := NewHandlers(skippingLibrary{base, skipped}, HandlerOptions{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		r := h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true, Locale: tt.locale})
		for _, want := range tt.want {
			if !strings.Contains(r.Content, want) {
				t.Errorf("%s: reply lacks %q:\n%s", tt.locale, want, r.Content)
			}
		}
	}

	many := make([]knowledge.SkippedFile, 25)
	for i := range many {
		many[i] = knowledge.SkippedFile{Name: fmt.Sprintf("photo%02d.jpg", i), Reason: knowledge.SkipType}
	}
	h := NewHandlers(skippingLibrary{base, many}, HandlerOptions{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r := h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true})
	if !strings.Contains(r.Content, "photo09.jpg") || strings.Contains(r.Content, "photo10.jpg") || !strings.Contains(r.Content, "and 15 more") {
		t.Errorf("25 skipped files: want ten named and 15 more counted:\n%s", r.Content)
	}
}

// warningLibrary is a test library whose reloads serve despite problems.
type warningLibrary struct {
	*testLibrary
	warnings knowledge.SourceErrors
}

func (l warningLibrary) Reload(ctx context.Context) (knowledge.ReloadReport, error) {
	rep, err := l.testLibrary.Reload(ctx)
	rep.Warnings = l.warnings
	return rep, err
}

// /reload shows, in the admin's language, the problems it served despite
// (a taught question whose fact is gone), each with its file and line.
func TestReloadShowsWarnings(t *testing.T) {
	_, base := newTestHandlers(t, HandlerOptions{})
	warnings := knowledge.SourceErrors{
		{Path: "taught.yaml", Line: 7, Err: fmt.Errorf("the fact it was taught for is gone")},
		{Path: "taught.yaml", Line: 12, Err: fmt.Errorf("the fact it was taught for is gone ```")},
	}
	for locale, want := range map[string]string{"en-US": "Served, with 2 problems to look at:", "es-ES": "Se usan, con 2 problemas que revisar:"} {
		h := NewHandlers(warningLibrary{base, warnings}, HandlerOptions{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		r := h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true, Locale: locale})
		for _, want := range []string{want, "taught.yaml:7: the fact it was taught for is gone\n", "taught.yaml:12: "} {
			if !strings.Contains(r.Content, want) {
				t.Errorf("%s: reply lacks %q:\n%s", locale, want, r.Content)
			}
		}
		if strings.Count(r.Content, "```") != 2 {
			t.Errorf("%s: a warning's backticks break the reply's code block:\n%s", locale, r.Content)
		}
	}
}
