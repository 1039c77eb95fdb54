package knowledge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// SourceError reports a problem in a source file with the file and line,
// e.g. "sources/x.md:3: front matter: missing closing ---". Every parser
// of sources reports its problems this way, whatever the file's format.
type SourceError struct {
	Path string // the file as it should be reported, e.g. "sources/x.md"
	Line int    // 1-based line of the problem; 0 when it has no single line
	Err  error  // what is wrong
}

// Error formats the error as "path:line: msg", or "path: msg" when Line is 0.
func (e *SourceError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// SourceErrors is every problem found in a set of sources, so that one
// reload can name every broken file and line rather than only the first.
type SourceErrors []*SourceError

// Error lists the problems one per line, in file and line order.
func (l SourceErrors) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the problems, so errors.As finds each *SourceError.
func (l SourceErrors) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Err returns the problems sorted by file and line as one error, the lone
// problem itself when there is one, or nil when there are none.
func (l SourceErrors) Err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	slices.SortStableFunc(l, func(a, b *SourceError) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
	})
	return l
}
