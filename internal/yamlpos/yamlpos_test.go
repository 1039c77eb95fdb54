package yamlpos

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseErrorLines(t *testing.T) {
	tests := []struct {
		name string
		data string
		base int
		line int
		msg  string // a part of the message
	}{
		{"scanner error", "a: 1\nb: [1, 2\n", 0, 2, "did not find expected"},
		{"parser error", "a: 1\n  b: 2\n", 0, 2, "mapping values are not allowed"},
		{"after base", "a: 1\n  b: 2\n", 10, 12, "mapping values"},
		{"unknown anchor", "a: 1\nb: *nope\n", 0, 2, "unknown anchor"},
		{"second document", "a: 1\n---\nb: 2\n", 0, 2, "only one YAML document"},
		{"lone CR is not a line", "a: 1\rb: [\nc: 2\n", 0, 1, ""},
		{"tab indentation", "a:\n\t- 1\n", 0, 2, "cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data), tt.base)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, want an *Error", err)
			}
			if e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Parse = %q at line %d, want line %d containing %q", e.Msg, e.Line, tt.line, tt.msg)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only a comment\n"} {
		d, err := Parse([]byte(data), 0)
		if err != nil || d.Root != nil {
			t.Errorf("Parse(%q) = %v, %v; want an empty document", data, d, err)
		}
	}
}

func TestDecodeStrictReportsEveryProblem(t *testing.T) {
	data := "name: x\ncolour: red\ncount: many\nsize: 3\n"
	d, err := Parse([]byte(data), 4)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Name  string `yaml:"name"`
		Count int    `yaml:"count"`
		Size  int    `yaml:"size"`
	}
	err = d.DecodeStrict(&v)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("DecodeStrict = %v, want two problems", err)
	}
	if list[0].Line != 6 || !strings.Contains(list[0].Msg, "colour") {
		t.Errorf("first problem %v, want the unknown key colour at line 6", list[0])
	}
	if list[1].Line != 7 || !strings.Contains(list[1].Msg, "many") {
		t.Errorf("second problem %v, want the bad number at line 7", list[1])
	}
}

func TestLookup(t *testing.T) {
	data := "entities:\n  - id: a\n  - id: b\n    type: alien\nwords: {who: person}\n"
	d, err := Parse([]byte(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []any
		line int
	}{
		{[]any{"entities", 1, "type"}, 4},
		{[]any{"entities", 1}, 3},
		{[]any{"entities", 7}, 2}, // past the end: the deepest node reached
		{[]any{"words", Key("who")}, 5},
	}
	for _, tt := range tests {
		if got := d.Line(Lookup(d.Root, tt.path...).Line); got != tt.line {
			t.Errorf("Lookup(%v) at line %d, want %d", tt.path, got, tt.line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a: 1", "a: [", "- *x", "a: &x 1\nb: *x", "---\n---", "\ra:\u2028 1"} {
		f.Add([]byte(s), 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, base int) {
		base = max(0, min(base, 1000))
		d, err := Parse(data, base)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %T %v is not an *Error", err, err)
			}
			if e.Line < 0 {
				t.Fatalf("negative line %d", e.Line)
			}
			return
		}
		var v map[string]any
		_ = d.DecodeStrict(&v)
	})
}

func ExampleDoc_Errorf() {
	d, _ := Parse([]byte("title: A\ndate: someday\n"), 1) // front matter after a "---" line
	date := Lookup(d.Root, "date")
	fmt.Println(d.Errorf(date, "bad date %q", date.Value))
	// Output: line 3: bad date "someday"
}
