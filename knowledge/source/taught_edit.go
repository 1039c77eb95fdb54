package source

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"
)

// taughtHeader opens a taught file the first question taught creates.
const taughtHeader = `Questions admins taught the bot: each entry's questions are matched as
phrasings of one fact, found by its id or, should the id change, by its
words (text) in its source file. Written by "agreementbot teach" and the
dashboard's teach page; it may be edited by hand. See docs/sources.md.`

// AddTaught returns the taught file raw (empty when there is none yet)
// with the questions of add taught for the fact add names: appended to
// the entry for that fact, found as LoadCorpus finds facts (by id, else by
// source and words) and given add's id, or to a new entry at the end.
// The other entries and the comments are kept. raw must parse
// (ParseTaught), and so does what AddTaught returns; a question taught
// already, to any fact, is an error, as ParseTaught would report it.
func AddTaught(path string, raw []byte, add Taught) ([]byte, error) {
	entries, err := ParseTaught(path, raw)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw[bomLen(raw):], &doc); err != nil {
		return nil, &knowledge.SourceError{Path: path, Err: err} // ParseTaught read it: not expected
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, HeadComment: taughtHeader,
			Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	list := taughtList(yamlpos.Resolve(doc.Content[0]))
	at := -1
	for i, t := range entries {
		if t.Fact == add.Fact || at < 0 && t.Source == add.Source && knowledge.CollapseSpace(t.Text) == knowledge.CollapseSpace(add.Text) {
			at = i
		}
	}
	if at < 0 {
		list.Content = append(list.Content, newTaughtEntry(add))
	} else {
		addToEntry(yamlpos.Resolve(list.Content[at]), add)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, &knowledge.SourceError{Path: path, Err: fmt.Errorf("write the taught file: %w", err)}
	}
	if err := enc.Close(); err != nil {
		return nil, &knowledge.SourceError{Path: path, Err: fmt.Errorf("write the taught file: %w", err)}
	}
	if _, err := ParseTaught(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// taughtList returns the "taught" list of the file's top mapping top,
// adding it, or a list in place of its null, when there is none.
func taughtList(top *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(top.Content); i += 2 {
		if yamlpos.Resolve(top.Content[i]).Value != "taught" {
			continue
		}
		if v := yamlpos.Resolve(top.Content[i+1]); v.Kind == yaml.SequenceNode {
			return v
		}
		list := &yaml.Node{Kind: yaml.SequenceNode} // null: "taught:" or "taught: ~"
		top.Content[i+1] = list
		return list
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	top.Content = append(top.Content, str("taught"), list)
	return list
}

// newTaughtEntry is the mapping of a new entry of the taught list.
func newTaughtEntry(t Taught) *yaml.Node {
	questions := &yaml.Node{Kind: yaml.SequenceNode}
	for _, q := range t.Questions {
		questions.Content = append(questions.Content, str(q))
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("fact"), str(t.Fact),
		str("source"), str(t.Source),
		str("text"), str(t.Text),
		str("questions"), questions,
	}}
}

// addToEntry appends t's questions to the existing entry e and sets its
// fact id to t's. A value written as an alias is replaced, not changed,
// so that what the alias names elsewhere stays as it was.
func addToEntry(e *yaml.Node, t Taught) {
	for i := 0; i+1 < len(e.Content); i += 2 {
		switch yamlpos.Resolve(e.Content[i]).Value {
		case "fact":
			if yamlpos.Resolve(e.Content[i+1]).Value != t.Fact {
				e.Content[i+1] = str(t.Fact)
			}
		case "questions":
			v := e.Content[i+1]
			if v.Kind == yaml.AliasNode {
				copied := *yamlpos.Resolve(v)
				copied.Anchor = ""
				copied.Content = append([]*yaml.Node(nil), copied.Content...)
				v = &copied
				e.Content[i+1] = v
			}
			for _, q := range t.Questions {
				v.Content = append(v.Content, str(q))
			}
		}
	}
}

// str is a string scalar node, quoted when written only if it must be.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}
