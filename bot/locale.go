package bot

// The bot's words in each language it speaks. Every fixed text a member
// reads lives in a catalogue, one JSON file per language in locales/,
// embedded in the binary and read with the standard library:
//
//	{
//	  "language": "es",
//	  "discord_locales": ["es-ES", "es-419"],
//	  "messages": {
//	    "answer.title": "P: {question}",
//	    ...
//	  }
//	}
//
// language is the BCP 47 base tag the file speaks: a request's Discord
// locale ("es-419") and an answer's Language ("es") choose the file by it.
// discord_locales are the Discord locales the commands' names and
// descriptions are registered in from this file (English, the default
// Discord shows everyone else, needs none). messages maps stable keys to
// texts; a text's placeholders are names in braces, "{count}", filled by
// language.fill, the one place values enter texts. A number of things is
// said by a pair of keys, key.one and key.other (see language.plural). English is complete and
// the fallback for any key a language lacks; the tests require every key
// in every language, with the same placeholders. A new language is a new
// file (see locales/README.md).

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed locales/*.json
var localeFiles embed.FS

// defaultLanguage is the language of the commands' default names and
// descriptions, and of any reply whose language nothing tells.
const defaultLanguage = "en"

// language is one catalogue.
type language struct {
	Code           string            `json:"language"`
	DiscordLocales []string          `json:"discord_locales"`
	Messages       map[string]string `json:"messages"`
}

// vars are the values of a text's placeholders, by name. A value is shown
// as text: a message (or an error that is one) in the same language, a
// string as it is, a number in decimal, anything else with fmt.
type vars map[string]any

// message is text for a user not yet put into any language: a key and its
// values. It is also an error, so that a problem found deep in the
// adapter can travel up as one and be worded in the member's language by
// errorReply.
type message struct {
	key  string
	vars vars
}

// msg returns the message key with values v.
func msg(key string, v vars) message { return message{key: key, vars: v} }

// Error is the message in English, for logs.
func (m message) Error() string { return english().render(m) }

// placeholder matches a placeholder: a lower-case name in braces.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// catalogues are the embedded languages by code, parsed once.
var catalogues = sync.OnceValue(func() map[string]*language {
	langs, err := loadCatalogues(localeFiles)
	if err != nil {
		panic(fmt.Sprintf("embedded locales: %v", err))
	}
	return langs
})

// loadCatalogues reads every locales/*.json of fsys. Each must name its
// language once, and English must be among them.
func loadCatalogues(fsys fs.FS) (map[string]*language, error) {
	names, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	langs := map[string]*language{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		l := &language{}
		if err := json.Unmarshal(raw, l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if l.Code == "" || langs[l.Code] != nil || len(l.Messages) == 0 {
			return nil, fmt.Errorf("%s: no language, a language given twice, or no messages", name)
		}
		langs[l.Code] = l
	}
	if langs[defaultLanguage] == nil {
		return nil, errors.New("no English catalogue")
	}
	return langs, nil
}

// english is the default language.
func english() *language { return catalogues()[defaultLanguage] }

// translations are the languages other than English, by code.
func translations() []*language {
	var out []*language
	for code, l := range catalogues() {
		if code != defaultLanguage {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *language) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// languageFor returns the catalogue of a language code ("es"), or English
// when the bot does not speak it.
func languageFor(code string) *language {
	if l, ok := catalogues()[strings.ToLower(code)]; ok {
		return l
	}
	return english()
}

// localeLanguage returns the language of a Discord locale: the catalogue of
// its base tag ("es-419" and "es-ES" are Spanish), else English.
func localeLanguage(locale string) *language {
	base, _, _ := strings.Cut(locale, "-")
	return languageFor(base)
}

// text returns the text of key, in English when l lacks it, or the key
// itself when no catalogue has it (the tests make sure none is missing).
func (l *language) text(key string) string {
	if t, ok := l.Messages[key]; ok {
		return t
	}
	if t, ok := english().Messages[key]; ok {
		return t
	}
	return key
}

// format returns the text of key with its placeholders filled from v.
func (l *language) format(key string, v vars) string { return l.fill(l.text(key), v) }

// render returns a message in l.
func (l *language) render(m message) string { return l.format(m.key, m.vars) }

// fill replaces each placeholder of text with its value in v, shown in l; a
// placeholder without a value is left as it is.
// It finds the placeholders as the placeholder pattern does, without a
// regular expression: fill is on the path of every reply.
func (l *language) fill(text string, v vars) string {
	if len(v) == 0 || !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		n := placeholderName(text[open+1:])
		if n == 0 {
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		if val, ok := v[text[open+1:open+1+n]]; ok {
			b.WriteString(l.show(val))
		} else {
			b.WriteString(text[open : open+n+2])
		}
		text = text[open+n+2:]
	}
	b.WriteString(text)
	return b.String()
}

// placeholderName returns the length of the placeholder name s starts
// with, as the placeholder pattern reads it (lower-case letters and
// underscores, then "}"), or 0 when s does not start with one.
func placeholderName(s string) int {
	n := 0
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] == '_') {
		n++
	}
	if n == 0 || n == len(s) || s[n] != '}' {
		return 0
	}
	return n
}

// show renders one placeholder's value.
func (l *language) show(v any) string {
	var m message
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case error:
		if errors.As(x, &m) {
			return l.render(m)
		}
		return x.Error()
	}
	return fmt.Sprint(v)
}

// plural returns n with the thing key counts, in the form l gives that
// number: the text of key+".one" for one ("1 fact", "1 dato"), of
// key+".other" for any other number ("0 facts", "3 datos"), with {count}
// filled. That is the rule of whole numbers in English and in Spanish; a
// language with other plural forms needs its rule here.
func (l *language) plural(key string, n int) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return l.format(key+form, vars{"count": n})
}

// decimal writes x with two decimals and the language's decimal mark
// ("0.69", "0,69").
func (l *language) decimal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 2, 64), ".", l.text("number.decimal_mark"), 1)
}

// languageName names a language, by its code, in l: "inglés" for "en" in
// Spanish. A language no catalogue names is shown by its code.
func (l *language) languageName(code string) string {
	if name := l.text("language." + code); name != "language."+code {
		return name
	}
	return code
}
