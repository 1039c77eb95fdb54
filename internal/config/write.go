package config

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Write prints the effective settings as YAML, in the shape of the
// configuration file, with the token masked ("(set)" or "(not set)") and a
// comment after each value saying where it came from: "# default",
// "# from config.yaml:7" or "# from AGREEMENTBOT_TOP". It is what
// "agreementbot config check" prints.
//
// The output loads back (with [Load]) to the same settings, except that a
// set token must again come from DISCORD_TOKEN: Load rejects the "(set)"
// mask unless the environment overrides it, and reads "(not set)" as no
// token.
func (c Config) Write(w io.Writer) error {
	def := Default()
	root := &yaml.Node{Kind: yaml.MappingNode}
	sections := map[string]*yaml.Node{}
	for i := range settings {
		s := &settings[i]
		value, err := valueNode(s.get(&c))
		if err != nil {
			return fmt.Errorf("config: printing %s: %w", s.key, err)
		}
		if o, ok := c.origins[s.key]; ok {
			value.LineComment = "# from " + o.String()
		} else if reflect.DeepEqual(s.get(&c), s.get(&def)) || isEmptyList(s.get(&c)) && isEmptyList(s.get(&def)) {
			value.LineComment = "# default"
		}
		parent := root
		name := s.key
		if section, leaf, ok := strings.Cut(s.key, "."); ok {
			name = leaf
			if parent = sections[section]; parent == nil {
				parent = &yaml.Node{Kind: yaml.MappingNode}
				sections[section] = parent
				root.Content = append(root.Content, keyNode(section), parent)
			}
		}
		parent.Content = append(parent.Content, keyNode(name), value)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("config: writing the settings: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("config: writing the settings: %w", err)
	}
	return nil
}

// keyNode returns a mapping key.
func keyNode(name string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}
}

// isEmptyList reports whether v is a nil or empty []string.
func isEmptyList(v any) bool {
	l, ok := v.([]string)
	return ok && len(l) == 0
}

// valueNode encodes a setting's value on one line: lists in flow style
// ([a, b]), strings with line breaks or other unprintable characters
// double-quoted.
func valueNode(v any) (*yaml.Node, error) {
	if l, ok := v.([]string); ok {
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, s := range l {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
		}
		return n, nil
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	if n.Kind == yaml.ScalarNode && strings.IndexFunc(n.Value, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		n.Style = yaml.DoubleQuotedStyle // one line, with escapes
	}
	return n, nil
}
