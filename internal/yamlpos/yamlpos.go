package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a YAML document, at a line of the file it was
// read from (0 when no single line is at fault).
type Error struct {
	Line int
	Msg  string
}

// Error formats the error as "line N: msg", or "msg" without a line.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ErrorList is every problem found in one document, in line order.
type ErrorList []*Error

// Error lists the problems one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	sort.SliceStable(l, func(i, j int) bool { return l[i].Line < l[j].Line })
	return l
}

// Doc is a parsed YAML document that knows where it stands in its file.
type Doc struct {
	// Root is the document's top node, nil when the document is empty.
	Root *yaml.Node
	data []byte
	base int // file line just before the document
	// lines[k] is the file line, counted from the document's start, of what
	// yaml.v3 calls line k+1.
	lines []int
}

// Parse parses data, one YAML document that starts just after line base of
// its file (0 for a whole file). A syntax error, or a second document after
// a "---", is an *Error at the file line at fault. A panic in the YAML
// library is an error too: a file a user wrote must never take the bot down.
func Parse(data []byte, base int) (doc *Doc, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, &Error{Line: base, Msg: fmt.Sprintf("cannot parse the YAML: %v", p)}
		}
	}()
	d := &Doc{data: data, base: base, lines: lineTable(data)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		return nil, d.syntaxError(err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, d.syntaxError(err)
	default:
		return nil, &Error{Line: d.Line(second.Line), Msg: `only one YAML document is allowed here (remove the "---")`}
	}
	if len(first.Content) > 0 {
		d.Root = first.Content[0]
	}
	return d, nil
}

// lineTable numbers the lines yaml.v3 counts by the lines people count:
// only "\n" (alone or after "\r") ends a line for them.
func lineTable(data []byte) []int {
	lines := []int{1}
	for i, line := 0, 1; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		if i == len(data) {
			break // a final line break does not start a line
		}
		switch {
		case r == '\n':
			line++
			lines = append(lines, line)
		case r == '\r' && data[i] != '\n', r == '\u2028', r == '\u2029':
			lines = append(lines, line)
		}
	}
	return lines
}

// Line returns the file line of what yaml.v3 calls line n of the document;
// a line past the end (where errors at the end are reported) is the
// document's last line.
func (d *Doc) Line(n int) int {
	return d.base + d.lines[max(1, min(n, len(d.lines)))-1]
}

// Errorf returns an *Error at the line of node n.
func (d *Doc) Errorf(n *yaml.Node, format string, args ...any) *Error {
	line := d.base
	if n != nil {
		line = d.Line(n.Line)
	}
	return &Error{Line: line, Msg: fmt.Sprintf(format, args...)}
}

var (
	// syntaxLineRe picks the line number out of a yaml.v3 syntax error.
	syntaxLineRe = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)
	// parserErrorRe matches the messages of yaml.v3's parser (as opposed to
	// its scanner), whose line numbers count from 0.
	parserErrorRe = regexp.MustCompile(`^(?:did not find expected (?:key|node content|'-' indicator|',' or '[\]}]'|<[a-z -]+>)|found (?:duplicate %|incompatible YAML|undefined tag handle))`)
	// unknownAnchorRe matches the error for an alias to a missing anchor,
	// which has no line number.
	unknownAnchorRe = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	// typeErrorLineRe matches one entry of a yaml.v3 decoding error.
	typeErrorLineRe = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// syntaxError turns a yaml.v3 parse error into an *Error at its file line.
func (d *Doc) syntaxError(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := syntaxLineRe.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			if parserErrorRe.MatchString(m[2]) {
				n++
			}
			return &Error{Line: d.Line(n), Msg: m[2]}
		}
	}
	line := d.base
	if m := unknownAnchorRe.FindStringSubmatch(msg); m != nil {
		if n := aliasLine(d.data, m[1]); n > 0 {
			line = d.base + n
		}
	}
	return &Error{Line: line, Msg: msg}
}

// aliasLine returns the line of the only use of the alias *name in data,
// or 0 if there is not exactly one (the error then has no line, rather than
// a wrong one).
func aliasLine(data []byte, name string) int {
	alias := regexp.MustCompile(`\*` + regexp.QuoteMeta(name) + `([\s,\]}]|$)`)
	line := 0
	for i, text := range strings.Split(string(data), "\n") {
		if n := len(alias.FindAllStringIndex(text, -1)); n > 0 {
			if line != 0 || n > 1 {
				return 0
			}
			line = i + 1
		}
	}
	return line
}

// DecodeStrict decodes the document into v, refusing keys that v has no
// field for. Every problem is reported, each at its line, as an ErrorList.
func (d *Doc) DecodeStrict(v any) error {
	if d.Root == nil {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(d.data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	var te *yaml.TypeError
	if err == nil || !errors.As(err, &te) {
		if err != nil {
			return ErrorList{d.syntaxError(err)}
		}
		return nil
	}
	var list ErrorList
	for _, msg := range te.Errors {
		e := &Error{Line: d.base, Msg: msg}
		if m := typeErrorLineRe.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			e.Line, e.Msg = d.Line(n), m[2]
		}
		list = append(list, e)
	}
	return list.Err()
}

// Resolve follows alias nodes to the node they name.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n is an explicit or implicit null ("key:").
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// Lookup follows a path of mapping keys (strings) and sequence indexes
// (ints) from n, and returns the node it ends at, or the deepest node it
// reached when the path goes further than the document. It lets a check
// made after decoding into Go values name the line of the value at fault.
func Lookup(n *yaml.Node, path ...any) *yaml.Node {
	for _, step := range path {
		if n = Resolve(n); n == nil {
			return nil
		}
		next := child(n, step)
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// child returns the value under a key of a mapping, or the item at an index
// of a sequence; for a Key, the key node itself.
func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := Resolve(n.Content[i]); k.Value == s {
				return n.Content[i+1]
			}
		}
	case Key:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := Resolve(n.Content[i]); k.Value == string(s) {
				return k
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

// Key, as the last step of a Lookup path, selects a mapping's key node
// rather than its value: the place to blame for a bad key.
type Key string
