package knowledge

// SkippedFile is a file of a sources directory that is not read as a
// source, and why: an admin who put it there is told, rather than left to
// wonder why its facts are not served.
type SkippedFile struct {
	Name   string
	Reason SkipReason
}

// SkipReason says why a file of a sources directory is not read.
type SkipReason string

// The reasons a file of a sources directory is skipped.
const (
	// SkipDirectory: a directory; sources are read from the top of the
	// sources directory only.
	SkipDirectory SkipReason = "directory"
	// SkipHidden: a name beginning with a dot.
	SkipHidden SkipReason = "hidden"
	// SkipType: not a type sources are read from: the names read end in
	// .txt, .md, .markdown, .yaml or .yml (in any case), besides
	// vocabulary.yaml and taught.yaml.
	SkipType SkipReason = "type"
	// SkipSpecial: not a regular file (a pipe, a socket, a device).
	SkipSpecial SkipReason = "special"
)

// String says in English which file was skipped and why, for logs and the
// command line.
func (s SkippedFile) String() string { return s.Name + ": " + s.Reason.String() }

// String says in English why a file was skipped.
func (r SkipReason) String() string {
	switch r {
	case SkipDirectory:
		return "a directory (sources are read from the top of the sources directory only)"
	case SkipHidden:
		return "a hidden file (its name begins with a dot)"
	case SkipType:
		return "not a source type (sources are .txt, .md, .markdown, .yaml and .yml files, vocabulary.yaml and taught.yaml)"
	case SkipSpecial:
		return "not a regular file"
	}
	return string(r)
}
