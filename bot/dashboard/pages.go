package dashboard

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/agreementbot/agreementbot/bot"
)

//go:embed templates/*.html locales/*.json
var files embed.FS

// defaultLanguage is the language of a request that asks for none the
// dashboard speaks.
const defaultLanguage = "en"

// pages are the templates, parsed once per language with that
// language's words.
type pages struct {
	byLang  map[string]*template.Template
	matcher language.Matcher
	codes   []string // in the matcher's order, English first
	langs   []langLink
	cats    map[string]*catalogue
}

// text is a catalogue's text of key in lang, for a text worded in Go.
func (p *pages) text(lang, key string) string {
	return p.cats[lang].text(key, p.cats[defaultLanguage])
}

// catalogue is one language's words: locales/<code>.json, a map of
// stable keys to texts.
type catalogue struct {
	Language string            `json:"language"`
	Name     string            `json:"name"` // the language's own name, for the switch
	Messages map[string]string `json:"messages"`
}

// loadCatalogues reads every locales/*.json.
func loadCatalogues(fsys fs.FS) (map[string]*catalogue, error) {
	names, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]*catalogue{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var c catalogue
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("dashboard: %s: %w", name, err)
		}
		if c.Language+".json" != path.Base(name) {
			return nil, fmt.Errorf("dashboard: %s says it is language %q", name, c.Language)
		}
		out[c.Language] = &c
	}
	if out[defaultLanguage] == nil {
		return nil, fmt.Errorf("dashboard: no %s catalogue", defaultLanguage)
	}
	return out, nil
}

// placeholder is a text's placeholder: a lower-case name in braces.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// text returns the text of key, English's when this language lacks it.
func (c *catalogue) text(key string, fallback *catalogue) string {
	if t, ok := c.Messages[key]; ok {
		return t
	}
	if t, ok := fallback.Messages[key]; ok {
		return t
	}
	return key
}

// loadPages parses the templates once per catalogue.
func loadPages() (*pages, error) {
	cats, err := loadCatalogues(files)
	if err != nil {
		return nil, err
	}
	p := &pages{byLang: map[string]*template.Template{}, cats: cats}
	p.codes = append([]string{defaultLanguage}, slices.Sorted(func(yield func(string) bool) {
		for code := range cats {
			if code != defaultLanguage && !yield(code) {
				return
			}
		}
	})...)
	var tags []language.Tag
	for _, code := range p.codes {
		tags = append(tags, language.Make(code))
		p.langs = append(p.langs, langLink{Code: code, Name: cats[code].Name})
	}
	p.matcher = language.NewMatcher(tags)
	for _, code := range p.codes {
		c, en := cats[code], cats[defaultLanguage]
		funcs := template.FuncMap{
			"t": func(key string) string { return c.text(key, en) },
			"tf": func(key string, pairs ...any) string {
				v := map[string]string{}
				for i := 0; i+1 < len(pairs); i += 2 {
					v[fmt.Sprint(pairs[i])] = fmt.Sprint(pairs[i+1])
				}
				return placeholder.ReplaceAllStringFunc(c.text(key, en), func(m string) string {
					if s, ok := v[strings.Trim(m, "{}")]; ok {
						return s
					}
					return m
				})
			},
			"words": func() bot.Words { return bot.WordsFor(code) },
		}
		t, err := template.New("").Funcs(funcs).ParseFS(files, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("dashboard: templates: %w", err)
		}
		p.byLang[code] = t
	}
	return p, nil
}

// langLink is one entry of the language switch: the page in that
// language.
type langLink struct{ Code, Name, URL string }

// pageData is what every page's template gets; each page fills its own
// part.
type pageData struct {
	Title, Message string // catalogue keys
	LoginLink      bool   // offer to log in again
	Session        *session
	Lang           string
	Nav            string // the current section
	Text           string // a text to show preformatted (a problem, a reload's report)
	Status         int
	Langs          []langLink
	Test           *testResult
	Sources        *sourcesView
	Delete         *deleteView
	Overview       *overviewView
	Questions      *questionsView
	Teach          *teachView
}

// lang picks the request's language: ?lang=, else the language cookie
// (set by ?lang=), else the Accept-Language header, else English.
func (p *pages) lang(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		if _, ok := p.byLang[q]; ok {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: Prefix, MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode})
			return q
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if _, ok := p.byLang[c.Value]; ok {
			return c.Value
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return defaultLanguage
	}
	_, i, conf := p.matcher.Match(tags...)
	if conf == language.No {
		return defaultLanguage
	}
	return p.codes[i]
}

// langLinks are the language switch's links for the page of r: the same
// page for a GET (its query kept), the dashboard's first page after a
// form was sent.
func langLinks(langs []langLink, r *http.Request) []langLink {
	target := Prefix
	q := url.Values{}
	if r.Method == http.MethodGet {
		target, q = r.URL.Path, r.URL.Query()
	}
	out := make([]langLink, len(langs))
	for i, l := range langs {
		q.Set("lang", l.Code)
		l.URL = target + "?" + q.Encode()
		out[i] = l
	}
	return out
}

// render writes the page tmpl with data, in the request's language.
func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, tmpl string, data pageData) {
	data.Lang = d.pages.lang(w, r)
	data.Status = status
	data.Langs = langLinks(d.pages.langs, r)
	var b bytes.Buffer
	if err := d.pages.byLang[data.Lang].ExecuteTemplate(&b, tmpl, data); err != nil {
		d.log.Error("dashboard: rendering a page", "page", tmpl, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
