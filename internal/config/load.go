package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/editdist"
	"github.com/agreementbot/agreementbot/internal/yamlpos"
)

// Load returns the configuration: the defaults, overridden by the YAML file
// at path (if path is not ""), overridden by environment variables, then
// validated.
//
// getenv looks up an environment variable, like [os.LookupEnv] (pass that
// in production; tests pass a map lookup). It may be nil for no
// environment. A variable that is unset or set to the empty string (after
// trimming spaces) leaves the setting alone; a list variable is
// comma-separated.
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
	l := loader{file: path, fields: c.fields(), origins: map[string]Origin{}, failed: map[string]bool{}}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is in the message already
			}
			return Config{}, &Error{Origin: Origin{File: path}, Err: fmt.Errorf("reading the configuration: %w", err)}
		}
		l.decodeFile(data)
	}
	if getenv != nil {
		l.applyEnv(getenv)
	}
	c.normalize()
	c.origins = l.origins // problems asks whether some settings were given
	for _, e := range c.problems() {
		base, _, _ := strings.Cut(e.Key, "[")
		if !l.failed[base] {
			if e.Origin = l.origins[base]; e.Origin.File != "" { // a list item has its own line
				e.Origin = cmp.Or(l.origins[e.Key], e.Origin)
			}
			l.errs = append(l.errs, e)
		}
	}
	if len(l.errs) > 0 {
		// File problems in line order, then the environment's.
		order := func(e *Error) int {
			if e.Origin.Env != "" {
				return math.MaxInt
			}
			return e.Origin.Line
		}
		slices.SortStableFunc(l.errs, func(a, b *Error) int { return cmp.Compare(order(a), order(b)) })
		return Config{}, join(l.errs)
	}
	c.origins = l.origins
	return c, nil
}

// normalize trims and lower-cases the settings that allow it, and adds the
// "/" that makes an API URL a base relative paths resolve under.
func (c *Config) normalize() {
	c.Discord.ApplicationID = strings.TrimSpace(c.Discord.ApplicationID)
	c.Discord.PublicKey = strings.ToLower(strings.TrimSpace(c.Discord.PublicKey))
	c.HTTP.Addr = strings.TrimSpace(c.HTTP.Addr)
	c.HTTP.PublicURL = strings.TrimSuffix(strings.TrimSpace(c.HTTP.PublicURL), "/")
	c.Discord.GatewayURL = strings.TrimSpace(c.Discord.GatewayURL)
	c.Discord.APIURL = strings.TrimSpace(c.Discord.APIURL)
	c.Redis.URL = RedisURL(strings.TrimSpace(string(c.Redis.URL)))
	if checkURL(c.Discord.APIURL, "https", "") == nil && !strings.HasSuffix(c.Discord.APIURL, "/") {
		c.Discord.APIURL += "/"
	}
	c.Log.Level = strings.ToLower(strings.TrimSpace(c.Log.Level))
	c.Log.Format = strings.ToLower(strings.TrimSpace(c.Log.Format))
}

// field is one setting of a Config.
type field struct {
	key, env string
	ptr      any // *string, *Secret, *RedisURL, *ShardCount, *[]string, *int, *float64, *bool or *time.Duration
}

// fields lists c's settings in the order of the file, from the struct tags.
func (c *Config) fields() []field {
	var out []field
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if key := prefix + f.Tag.Get("yaml"); f.Type.Kind() == reflect.Struct {
				walk(v.Field(i), key+".")
			} else {
				out = append(out, field{key, f.Tag.Get("env"), v.Field(i).Addr().Interface()})
			}
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return out
}

// loader gathers the settings and problems of one Load.
type loader struct {
	file    string
	doc     *yamlpos.Doc
	fields  []field
	origins map[string]Origin // key path → where the value was found
	failed  map[string]bool   // key paths with a value that could not be read
	errs    []*Error
}

// fail records a problem at node n of the file.
func (l *loader) fail(n *yaml.Node, key string, format string, args ...any) {
	l.failed[key] = true
	at := Origin{File: l.file, Line: l.doc.Line(n.Line)}
	l.errs = append(l.errs, &Error{Origin: at, Key: key, Err: fmt.Errorf(format, args...)})
}

// decodeFile applies the settings in the file's data.
func (l *loader) decodeFile(data []byte) {
	doc, err := yamlpos.Parse(data, 0)
	if err != nil {
		e := &yamlpos.Error{Msg: err.Error()}
		errors.As(err, &e)
		l.errs = append(l.errs, &Error{Origin: Origin{File: l.file, Line: e.Line}, Err: fmt.Errorf("invalid YAML: %s", e.Msg)})
		return
	}
	l.doc = doc
	switch root := yamlpos.Resolve(doc.Root); {
	case root == nil || yamlpos.IsNull(root):
	case root.Kind != yaml.MappingNode:
		l.fail(root, "", "the file must be a YAML mapping of settings (key: value), got %s", describe(root))
	default:
		l.mapping(root, "", map[string]int{})
	}
}

// mapping walks a mapping whose key path is prefix ("" at the top); seen
// maps the key paths already set to their lines.
func (l *loader) mapping(n *yaml.Node, prefix string, seen map[string]int) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlpos.Resolve(n.Content[i]), n.Content[i+1]
		key := prefix + k.Value
		f, children := l.field(key), l.children(key+".")
		first, dup := seen[key]
		if !dup {
			seen[key] = l.doc.Line(k.Line)
		}
		switch {
		case k.Kind != yaml.ScalarNode:
			l.fail(k, strings.TrimSuffix(prefix, "."), "keys must be names, got %s", describe(k))
		case k.Tag == "!!merge":
			l.fail(k, "", `merge keys ("<<") are not supported`)
		case f == nil && children == nil:
			l.fail(k, "", "%s", l.unknownKey(prefix, k.Value))
		case dup:
			l.fail(k, key, "set twice (first on line %d)", first)
		case yamlpos.IsNull(v): // keep the default
		case f != nil:
			l.value(f, v)
		case yamlpos.Resolve(v).Kind == yaml.MappingNode:
			l.mapping(yamlpos.Resolve(v), key+".", seen)
		default:
			l.fail(v, key, "must be a mapping of settings (%s), got %s", strings.Join(children, ", "), describe(yamlpos.Resolve(v)))
		}
	}
}

// value sets the setting f from its node v in the file.
func (l *loader) value(f *field, v *yaml.Node) {
	n := yamlpos.Resolve(v)
	if ids, ok := f.ptr.(*[]string); ok && n.Kind == yaml.SequenceNode {
		var list []string
		for i, item := range n.Content {
			itemKey := fmt.Sprintf("%s[%d]", f.key, i)
			if item = yamlpos.Resolve(item); item.Kind != yaml.ScalarNode {
				l.fail(item, itemKey, "must be a Discord ID, got %s", describe(item))
				l.failed[f.key] = true
			}
			l.origins[itemKey] = Origin{File: l.file, Line: l.doc.Line(item.Line)}
			list = append(list, item.Value)
		}
		*ids = list
	} else if !decodeScalar(f.ptr, n) {
		l.fail(v, f.key, "must be %s, got %s", want(f.key, f.ptr), describe(n))
		return
	}
	l.origins[f.key] = Origin{File: l.file, Line: l.doc.Line(v.Line)}
}

// decodeScalar sets *p from a scalar node of the file, requiring the YAML
// type (a quoted "3" is not a number); it reports whether it could.
func decodeScalar(p any, n *yaml.Node) bool {
	tag := n.ShortTag()
	switch p.(type) {
	case *int:
		return tag == "!!int" && n.Decode(p) == nil
	case *float64:
		return (tag == "!!float" || tag == "!!int") && n.Decode(p) == nil
	case *bool:
		return tag == "!!bool" && n.Decode(p) == nil
	case *[]string:
		return false // lists are sequences
	case *ShardCount: // a number, or the word auto
		return (tag == "!!int" || tag == "!!str" && strings.EqualFold(n.Value, "auto")) && parse(p, n.Value)
	}
	return n.Kind == yaml.ScalarNode && parse(p, n.Value)
}

// applyEnv applies the environment's overrides.
func (l *loader) applyEnv(getenv func(string) (string, bool)) {
	for _, f := range l.fields {
		v, ok := getenv(f.env)
		if v = strings.TrimSpace(v); !ok || v == "" {
			continue
		}
		if !parse(f.ptr, v) {
			l.failed[f.key] = true
			l.errs = append(l.errs, &Error{Origin: Origin{Env: f.env}, Key: f.key, Err: fmt.Errorf("must be %s, got %q", want(f.key, f.ptr), v)})
			continue
		}
		l.origins[f.key] = Origin{Env: f.env}
	}
}

// parse sets *p from text (a scalar of the file, or an environment
// variable); it reports whether the text is of the right type.
func parse(p any, s string) bool {
	var err error
	switch p := p.(type) {
	case *string:
		*p = s
	case *Secret:
		if s == maskNotSet { // as printed by Write
			s = ""
		}
		*p = Secret(s)
	case *RedisURL:
		*p = RedisURL(s)
	case *ShardCount:
		var ok bool
		if *p, ok = parseShardCount(s); !ok {
			return false
		}
	case *[]string:
		*p = nil
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				*p = append(*p, item)
			}
		}
	case *int:
		*p, err = strconv.Atoi(s)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	case *bool:
		*p, err = strconv.ParseBool(s)
	case *time.Duration:
		*p, err = time.ParseDuration(s)
	}
	return err == nil
}

// field returns the setting with the given key path, or nil.
func (l *loader) field(key string) *field {
	for i := range l.fields {
		if l.fields[i].key == key {
			return &l.fields[i]
		}
	}
	return nil
}

// children returns the names of the keys directly under prefix ("" or a
// section's path and "."), in file order.
func (l *loader) children(prefix string) []string {
	var out []string
	for _, f := range l.fields {
		if rest, ok := strings.CutPrefix(f.key, prefix); ok {
			if name, _, _ := strings.Cut(rest, "."); !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// unknownKey describes the unknown key name under prefix, suggesting the
// key meant: a sibling within two edits, or a setting of that name
// elsewhere.
func (l *loader) unknownKey(prefix, name string) string {
	msg := fmt.Sprintf("unknown key %q", prefix+name)
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	for _, sibling := range l.children(prefix) {
		if d := editdist.Distance(lower, sibling, 2); d < bestDist {
			best, bestDist = prefix+sibling, d
		}
	}
	for _, f := range l.fields {
		if best == "" && (f.key == lower || strings.HasSuffix(f.key, "."+lower)) {
			best = f.key
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return msg
}

// describe describes a node's value for an error message, without ever
// quoting more than a scalar's text.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}
