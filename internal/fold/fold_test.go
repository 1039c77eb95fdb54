package fold

import (
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Martínez", "martinez"},
		{"BÁRCENA", "barcena"},
		{"“root causes”", `"root causes"`},
		{"Trump’s", "trump's"},
		{"AFP – STRINGER", "afp - stringer"},
		{"ﬁve", "five"}, // compatibility ligature
		{"¿Quién representó?", "¿quien represento?"},
		{"plain ascii", "plain ascii"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	if !Contains("Carlos Ramiro Martínez", "carlos ramiro martinez") {
		t.Error("accent folding should make the names equal")
	}
	if Contains("Washington", "Guatemala") {
		t.Error("unrelated words must not match")
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"Martínez", "\xff\xfe", "ǅ", "“quote”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, out)
		}
		if again := String(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"¿Where did they MEET?!":          "where did they meet",
		"  is   Canadá part of the plan?": "is canada part of the plan",
		"¡Is Canada part of the plan!":    "is canada part of the plan",
		"2024's bake-off":                 "2024 s bake off",
		"":                                "",
	} {
		if got := Words(in); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}
