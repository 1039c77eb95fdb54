package source

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Every file LoadCorpus does not read is listed with why, and every
// documented extension is read, in any case.
func TestSkippedNamesEveryFileNotRead(t *testing.T) {
	fact := []byte("facts:\n  - text: The working group first met in Mexico City.\n")
	fsys := fstest.MapFS{
		"a.txt":           {Data: []byte("The ministers met in Washington.\n")},
		"b.md":            {Data: []byte("The ministers met in Washington.\n")},
		"c.markdown":      {Data: []byte("The ministers met in Washington on Wednesday.\n")},
		"d.yaml":          {Data: fact},
		"e.YML":           {Data: []byte("facts:\n  - text: The second meeting will be in Guatemala City.\n")},
		VocabularyFile:    {Data: []byte("entities: []\n")},
		"photo.jpg":       {Data: []byte("\xff\xd8\xff")},
		"agreementbot":    {Data: []byte("\x7fELF")},
		".notes.md":       {Data: []byte("hidden")},
		"old/article.txt": {Data: []byte("in a folder")},
		"feed.txt":        {Mode: fs.ModeNamedPipe},
	}
	got, err := Skipped(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []knowledge.SkippedFile{
		{Name: ".notes.md", Reason: knowledge.SkipHidden},
		{Name: "agreementbot", Reason: knowledge.SkipType},
		{Name: "feed.txt", Reason: knowledge.SkipSpecial},
		{Name: "old", Reason: knowledge.SkipDirectory},
		{Name: "photo.jpg", Reason: knowledge.SkipType},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Skipped = %v\nwant %v", got, want)
	}
	c, err := LoadCorpus(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, s := range c.Sources {
		read = append(read, s.Path)
	}
	if strings.Join(read, " ") != "a.txt b.md c.markdown d.yaml e.YML" {
		t.Errorf("sources read: %v", read)
	}
	if s := got[4].String(); !strings.Contains(s, "photo.jpg: not a source type") || !strings.Contains(s, ".markdown") || !strings.Contains(s, ".yml") {
		t.Errorf("the English reason %q does not name the file and the accepted types", s)
	}

	// With nothing readable, the error names what was skipped.
	_, err = LoadCorpus(t.Context(), fstest.MapFS{"club.docx": {Data: []byte("x")}, "pics/a.jpg": {Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "club.docx, pics") {
		t.Errorf("no sources: %v, want the skipped files named", err)
	}
}
