package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load returns the configuration: the defaults, overridden by the YAML file
// at path (if path is not ""), overridden by environment variables, then
// validated.
//
// getenv looks up an environment variable, like [os.LookupEnv] (pass that
// in production; tests pass a map lookup). It may be nil for no
// environment. A variable that is unset or set to the empty string (after
// trimming spaces) leaves the setting alone.
//
// The file is read strictly: it must be a single YAML mapping of known
// keys; an empty file means the defaults, and a key with a null value
// (such as "top:" or "top: ~") keeps its default. Every error about the
// file starts with the file's name and, where known, the line and key path:
//
//	config.yaml:3: unknown key "discrod" (did you mean "discord"?)
//	config.yaml:7: answer.threshold: must be in (0, 1], got 1.5
//
// An error about an environment variable starts with its name:
//
//	AGREEMENTBOT_TOP: must be a whole number from 1 to 10, got "x"
//
// All the problems found are returned together, joined (see
// [errors.Join]); each is an [*Error]. The returned Config remembers where
// each value came from (see [Config.Origin] and [Config.Write]).
func Load(path string, getenv func(string) (string, bool)) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is in the message already
			}
			return Config{}, &Error{File: path, Err: fmt.Errorf("reading the configuration: %w", err)}
		}
		if errs := c.decodeFile(path, data); len(errs) > 0 {
			return Config{}, join(errs)
		}
	}
	if errs := c.applyEnv(getenv); len(errs) > 0 {
		return Config{}, join(errs)
	}
	if errs := c.problems(); len(errs) > 0 {
		for _, e := range errs {
			base := e.Key
			if i := strings.IndexByte(base, '['); i >= 0 {
				base = base[:i]
			}
			o := c.origins[base]
			e.File, e.Line, e.Env = o.File, o.Line, o.Env
		}
		return Config{}, join(errs)
	}
	return c, nil
}

// join joins problems into one error.
func join(errs []*Error) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// applyEnv applies the environment overrides.
func (c *Config) applyEnv(getenv func(string) (string, bool)) []*Error {
	if getenv == nil {
		return nil
	}
	var errs []*Error
	for i := range settings {
		s := &settings[i]
		v, ok := getenv(s.env)
		if v = strings.TrimSpace(v); !ok || v == "" {
			continue
		}
		if err := s.parse(c, v); err != nil {
			errs = append(errs, &Error{Env: s.env, Key: s.key, Err: err})
			continue
		}
		c.setOrigin(s.key, Origin{Env: s.env})
	}
	return errs
}

// yamlErrorLine matches the line number in a YAML syntax error.
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parseYAML parses data as one YAML document; it returns nil for an
// empty document.
func parseYAML(name string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// The parser has had panicking bugs; a configuration file must
		// never crash the bot.
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: name, Err: fmt.Errorf("cannot parse the YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(name, data, err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(name, data, err)
	default:
		return nil, &Error{File: name, Line: second.Line, Err: errors.New("the file must hold a single YAML document (remove the \"---\")")}
	}
	return &first, nil
}

// yamlError turns a YAML syntax error into an Error with the line.
func yamlError(name string, data []byte, err error) *Error {
	msg := err.Error()
	line := 0
	if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
			line = aliasLine(data, m[1])
		}
	}
	return &Error{File: name, Line: line, Err: fmt.Errorf("invalid YAML: %s", msg)}
}

// unknownAnchor matches the YAML error for an alias to a missing anchor,
// which has no line number.
var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// aliasLine returns the line of the only use of the alias *name in data,
// or 0 if there is not exactly one (the error then has no line, rather
// than a wrong one).
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

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an explicit or implicit null ("key:").
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// decodeFile applies the settings in the file's data.
func (c *Config) decodeFile(name string, data []byte) []*Error {
	doc, err := parseYAML(name, data)
	if err != nil {
		return []*Error{err.(*Error)}
	}
	if doc == nil || len(doc.Content) == 0 {
		return nil
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return []*Error{{File: name, Line: root.Line, Err: fmt.Errorf("the file must be a YAML mapping of settings (key: value), got %s", describe(root))}}
	}
	w := walker{c: c, file: name, seen: make(map[string]int)}
	w.mapping(root, "")
	return w.errs
}

// walker walks the file's mappings against the known keys.
type walker struct {
	c    *Config
	file string
	seen map[string]int // key path → line where first set
	errs []*Error
}

func (w *walker) fail(line int, key string, err error) {
	w.errs = append(w.errs, &Error{File: w.file, Line: line, Key: key, Err: err})
}

// mapping walks a mapping whose key path is prefix ("" at the top).
func (w *walker) mapping(n *yaml.Node, prefix string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			w.fail(k.Line, prefix, fmt.Errorf("keys must be names, got %s", describe(k)))
			continue
		}
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		known, section := settingByKey(path) != nil, isSection(path)
		if !known && !section {
			w.fail(k.Line, "", unknownKey(path, k.Tag == "!!merge"))
			continue
		}
		if first, dup := w.seen[path]; dup {
			w.fail(k.Line, path, fmt.Errorf("set twice (first on line %d)", first))
			continue
		}
		w.seen[path] = k.Line
		if isNull(v) {
			continue // keep the default
		}
		if section {
			if v.Kind != yaml.MappingNode {
				w.fail(v.Line, path, fmt.Errorf("must be a mapping of settings (%s), got %s", strings.Join(children(path), ", "), describe(v)))
				continue
			}
			w.mapping(v, path)
			continue
		}
		s := settingByKey(path)
		if errs := s.decode(w.c, v); len(errs) > 0 {
			for _, e := range errs {
				e.File = w.file
				if e.Line == 0 {
					e.Line = v.Line
				}
			}
			w.errs = append(w.errs, errs...)
			continue
		}
		w.c.setOrigin(path, Origin{File: w.file, Line: v.Line})
	}
}

// isSection reports whether path is a mapping of settings, such as
// "discord".
func isSection(path string) bool {
	for i := range settings {
		if strings.HasPrefix(settings[i].key, path+".") {
			return true
		}
	}
	return false
}

// children returns the names of the keys directly under path ("" for the
// top level), in file order.
func children(path string) []string {
	var out []string
	prefix := ""
	if path != "" {
		prefix = path + "."
	}
	for i := range settings {
		rest, ok := strings.CutPrefix(settings[i].key, prefix)
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, ".")
		if len(out) == 0 || out[len(out)-1] != name {
			out = append(out, name)
		}
	}
	return out
}

// unknownKey describes an unknown key path, suggesting the key meant.
func unknownKey(path string, merge bool) error {
	if merge {
		return errors.New(`merge keys ("<<") are not supported`)
	}
	prefix, name := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		prefix, name = path[:i], path[i+1:]
	}
	if s := suggest(prefix, name); s != "" {
		return fmt.Errorf("unknown key %q (did you mean %q?)", path, s)
	}
	return fmt.Errorf("unknown key %q", path)
}

// suggest returns the known key path most like name under prefix: a sibling
// within two edits, or a setting of that name elsewhere.
func suggest(prefix, name string) string {
	join := func(n string) string {
		if prefix == "" {
			return n
		}
		return prefix + "." + n
	}
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	for _, sib := range children(prefix) {
		if d := editDistance(lower, sib); d < bestDist {
			best, bestDist = join(sib), d
		}
	}
	if best != "" {
		return best
	}
	for i := range settings {
		key := settings[i].key
		if strings.HasSuffix(key, "."+lower) || key == lower {
			return key
		}
	}
	return ""
}

// editDistance returns the Levenshtein distance between a and b (by
// bytes), giving up at 3.
func editDistance(a, b string) int {
	if len(a) > len(b)+2 || len(b) > len(a)+2 {
		return 3
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
