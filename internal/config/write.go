package config

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/yamlpos"
)

// Write prints the effective settings as YAML, in the shape of the
// configuration file, with the token masked ("(set)" or "(not set)") and a
// comment after each value saying where it came from: "# default",
// "# from config.yaml:7" or "# from AGREEMENTBOT_TOP". Values that are
// neither defaults nor loaded have no comment. It is what "agreementbot
// config check" prints.
//
// The output loads back (with [Load]) to the same settings, except that a
// set token must again come from DISCORD_TOKEN: Load rejects the "(set)"
// mask unless the environment overrides it, and reads "(not set)" as no
// token.
func (c Config) Write(w io.Writer) error {
	var root yaml.Node
	if err := root.Encode(c); err != nil {
		return fmt.Errorf("config: printing the settings: %w", err)
	}
	def := Default()
	defaults := def.fields()
	for i, f := range c.fields() {
		var path []any
		for _, name := range strings.Split(f.key, ".") {
			path = append(path, name)
		}
		n := yamlpos.Lookup(&root, path...)
		if n.Kind == yaml.SequenceNode {
			n.Style = yaml.FlowStyle // one line: [a, b]
		}
		for _, s := range append(n.Content, n) {
			if strings.IndexFunc(s.Value, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
				s.Style = yaml.DoubleQuotedStyle // one line, with escapes
			}
		}
		if o, ok := c.origins[f.key]; ok {
			n.LineComment = "# from " + o.String()
		} else if formatted(f) == formatted(defaults[i]) {
			n.LineComment = "# default"
		}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	err := enc.Encode(&root)
	if err == nil {
		err = enc.Close()
	}
	if err != nil {
		return fmt.Errorf("config: writing the settings: %w", err)
	}
	return nil
}

// formatted formats a setting's value for comparing: nil and empty lists alike,
// the token masked.
func formatted(f field) string { return fmt.Sprint(reflect.ValueOf(f.ptr).Elem()) }
