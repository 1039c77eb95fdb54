package bot

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
)

// sameInEveryLanguage are the keys whose text may be the same in another
// language as in English: the bot's name, an abbreviation, a number's
// decimal mark, layouts without words, the vote buttons' emoji.
var sameInEveryLanguage = []string{"help.title", "command.fact.option.id.name", "number.decimal_mark", "fact.heading",
	"button.vote_up", "button.vote_down"}

// Every language has every key English has, and no other, with the same
// placeholders; every file parses, names its language once and has no key
// twice.
func TestCataloguesComplete(t *testing.T) {
	en := english()
	if len(catalogues()) < 2 {
		t.Fatalf("catalogues = %v, want English and at least one other", keys(catalogues()))
	}
	for code, l := range catalogues() {
		for key, text := range en.Messages {
			tr, ok := l.Messages[key]
			if !ok {
				t.Errorf("%s: no %q", code, key)
				continue
			}
			if got, want := placeholders(tr), placeholders(text); !slices.Equal(got, want) {
				t.Errorf("%s: %q has placeholders %v, English has %v", code, key, got, want)
			}
			if code != defaultLanguage && tr == text && !slices.Contains(sameInEveryLanguage, key) {
				t.Errorf("%s: %q is the English text, untranslated: %q", code, key, tr)
			}
			if strings.TrimSpace(tr) == "" {
				t.Errorf("%s: %q is empty", code, key)
			}
		}
		for key := range l.Messages {
			if _, ok := en.Messages[key]; !ok {
				t.Errorf("%s: %q is not an English key", code, key)
			}
		}
	}
	if dup := duplicateKey(t, []byte(`{"messages": {"a": "1", "b": ["x", {"c": 1}], "a": "2"}}`)); dup != "a" {
		t.Fatalf("duplicateKey missed a repeated key: %q", dup)
	}
	files, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		raw, _ := fs.ReadFile(localeFiles, name)
		if dup := duplicateKey(t, raw); dup != "" {
			t.Errorf("%s: key %q given twice", name, dup)
		}
	}
}

// placeholders lists the distinct placeholders of a text, sorted.
func placeholders(text string) []string {
	out := placeholder.FindAllString(text, -1)
	slices.Sort(out)
	return slices.Compact(out)
}

// duplicateKey returns a key that a JSON object in raw gives twice (which
// encoding/json would silently resolve to the last), or "".
func duplicateKey(t *testing.T, raw []byte) string {
	t.Helper()
	dup, err := jsonValue(json.NewDecoder(strings.NewReader(string(raw))))
	if err != nil {
		t.Fatal(err)
	}
	return dup
}

// jsonValue reads one JSON value and returns a key given twice in any
// object in it.
func jsonValue(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	open, ok := tok.(json.Delim)
	if !ok {
		return "", nil
	}
	seen, dup := map[string]bool{}, ""
	for dec.More() {
		if open == '{' {
			k, err := dec.Token()
			if err != nil {
				return "", err
			}
			if seen[k.(string)] && dup == "" {
				dup = k.(string)
			}
			seen[k.(string)] = true
		}
		inner, err := jsonValue(dec)
		if err != nil {
			return "", err
		}
		if dup == "" {
			dup = inner
		}
	}
	_, err = dec.Token() // the closing delimiter
	return dup, err
}

// The commands a text names ("`/ask question:`") are that language's own
// names for them, so a member can type what they read.
func TestCataloguesNameTheirOwnCommands(t *testing.T) {
	mention := regexp.MustCompile("`/([^\\s`]+)(?: ([^\\s`:]+):)?")
	for code, l := range catalogues() {
		names := map[string]string{} // localized command name → its key prefix
		for key, text := range l.Messages {
			if strings.HasPrefix(key, "command.") && strings.Count(key, ".") == 2 && strings.HasSuffix(key, ".name") {
				names[text] = strings.TrimSuffix(key, ".name")
			}
		}
		for key, text := range l.Messages {
			for _, m := range mention.FindAllStringSubmatch(text, -1) {
				prefix, ok := names[m[1]]
				if !ok {
					t.Errorf("%s: %q names /%s, which is not a command in %s", code, key, m[1], code)
					continue
				}
				if m[2] != "" && !slices.ContainsFunc(keys(l.Messages), func(k string) bool {
					return strings.HasPrefix(k, prefix+".option.") && strings.HasSuffix(k, ".name") && l.Messages[k] == m[2]
				}) {
					t.Errorf("%s: %q names option %q of /%s, which it does not have in %s", code, key, m[2], m[1], code)
				}
			}
		}
	}
}

// The English catalogue's command and option names are the names the
// handlers route by.
func TestEnglishCommandNamesAreCanonical(t *testing.T) {
	en := english()
	for key, want := range map[string]string{
		"command.ask.name": cmdAsk, "command.ask.option.question.name": optQuestion, "command.ask.option.private.name": optPrivate,
		"command.sources.name": cmdSources, "command.fact.name": cmdFact, "command.fact.option.id.name": optID,
		"command.help.name": cmdHelp, "command.menu.name": cmdAskMenu, "command.reload.name": cmdReload,
		"command.reload.option.file.name": optFile, "command.stats.name": cmdStats,
	} {
		if got := en.text(key); got != want {
			t.Errorf("%s = %q, want the canonical %q", key, got, want)
		}
	}
}

// Every key the code names with a literal is in the English catalogue, and
// every catalogue key is named by the code, whole or by a prefix it
// completes ("kind." + the kind): the code of the bot and of its
// transports (bot/discord), which word what is wrong with a request and
// register the commands with the catalogues' names.
func TestCatalogueKeysUsed(t *testing.T) {
	literals := map[string]bool{}
	var files []string
	for _, pattern := range []string{"*.go", "discord/*.go"} {
		matched, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matched...)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && isCatalogueCall(call) && len(call.Args) > 0 {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					key, _ := strconv.Unquote(lit.Value)
					for _, key := range catalogueKeys(call, key) {
						if _, ok := english().Messages[key]; !ok {
							t.Errorf("%s: key %q is not in the English catalogue", fset.Position(lit.Pos()), key)
						}
					}
				}
			}
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				literals[s] = true
			}
			return true
		})
	}
	for key := range english().Messages {
		base := pluralBase(key)
		used := literals[key] || (base != "" && literals[base])
		for i := strings.Index(key, "."); i >= 0 && !used; i = nextDot(key, i) {
			used = literals[key[:i+1]]
		}
		if !used {
			t.Errorf("key %q is not used by the code", key)
		}
	}
}

// isCatalogueCall reports whether call looks a text up by key: text,
// format, plural, msg or refuse, or a transport's bot.Message,
// bot.CatalogueText or localizations.
func isCatalogueCall(call *ast.CallExpr) bool {
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		return slices.Contains([]string{"text", "format", "plural", "Message", "CatalogueText"}, fn.Sel.Name)
	case *ast.Ident:
		return slices.Contains([]string{"msg", "refuse", "localizations"}, fn.Name)
	}
	return false
}

// catalogueKeys are the keys a catalogue call with key looks up: key
// itself, or for plural its two forms.
func catalogueKeys(call *ast.CallExpr, key string) []string {
	if fn, ok := call.Fun.(*ast.SelectorExpr); ok && fn.Sel.Name == "plural" {
		return []string{key + ".one", key + ".other"}
	}
	return []string{key}
}

// pluralBase is the key plural is called with for one of its forms
// (count.facts for count.facts.one), or "" for any other key.
func pluralBase(key string) string {
	for _, form := range []string{".one", ".other"} {
		if base, ok := strings.CutSuffix(key, form); ok {
			return base
		}
	}
	return ""
}

// nextDot returns the index of the next "." in key after i, or -1.
func nextDot(key string, i int) int {
	j := strings.Index(key[i+1:], ".")
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// A Discord locale picks the language of its base tag; anything the bot
// does not speak, and no locale at all, is English. A message's reply
// speaks the question's language.
func TestLanguageChoice(t *testing.T) {
	for locale, want := range map[string]string{
		"es-419": "es", "es-ES": "es", "ES-es": "es", "es": "es",
		"en-US": "en", "en-GB": "en", "pt-BR": "en", "fr": "en", "": "en",
	} {
		if got := localeLanguage(locale).Code; got != want {
			t.Errorf("localeLanguage(%q) = %s, want %s", locale, got, want)
		}
	}
	spanish := knowledge.Answer{Language: "es"}
	for _, tt := range []struct {
		name string
		req  Request
		ans  knowledge.Answer
		want string
	}{
		{"command in Spanish locale, English question", Request{Kind: KindCommand, Locale: "es-419"}, knowledge.Answer{Language: "en"}, "es"},
		{"command in English locale, Spanish question", Request{Kind: KindCommand, Locale: "en-US"}, spanish, "en"},
		{"Spanish message", Request{Kind: KindMessage}, spanish, "es"},
		{"English message", Request{Kind: KindMessage}, knowledge.Answer{Language: "en"}, "en"},
		{"message in a language the bot does not speak", Request{Kind: KindMessage}, knowledge.Answer{Language: "de"}, "en"},
		{"refused message", Request{Kind: KindMessage}, knowledge.Answer{}, "en"},
	} {
		if got := replyLanguage(tt.req, tt.ans).Code; got != tt.want {
			t.Errorf("%s: reply in %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := requestLanguage(Request{Kind: KindButton, Locale: "es-ES"}).Code; got != "es" {
		t.Errorf("a button pressed in es-ES is answered in %s", got)
	}
}

// Placeholders are filled in one place: numbers in decimal, messages in
// the same language, a missing value left visible.
func TestFill(t *testing.T) {
	es := languageFor("es")
	problem := msg("request.option", vars{"option": "question", "problem": msg("request.too_long", vars{"length": 7000, "limit": 6000})})
	got := es.render(msg("error.malformed", vars{"problem": problem}))
	want := "Lo siento, no pude entender esa solicitud: opción \"question\": es demasiado larga (7000 caracteres; el límite es 6000)."
	if got != want {
		t.Errorf("nested message in Spanish = %q, want %q", got, want)
	}
	if got, want := problem.Error(), `option "question": it is too long (7000 characters; the limit is 6000)`; got != want {
		t.Errorf("message as an error = %q, want English %q", got, want)
	}
	if got := english().fill("{a} and {b}", vars{"a": int64(3)}); got != "3 and {b}" {
		t.Errorf("fill = %q", got)
	}
	if got := english().fill("{a}", vars{"a": errors.New("plain")}); got != "plain" {
		t.Errorf("fill with an error = %q", got)
	}
	if got := es.text("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key = %q, want the key", got)
	}
	if got := es.languageName("fr"); got != "fr" {
		t.Errorf("an unnamed language = %q, want its code", got)
	}
}

// Broken catalogues are refused with the file's name.
func TestLoadCataloguesRefusesBrokenFiles(t *testing.T) {
	good := `{"language": "en", "messages": {"a": "b"}}`
	for _, tt := range []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"bad JSON", fstest.MapFS{"locales/en.json": {Data: []byte(good)}, "locales/es.json": {Data: []byte(`{"language": `)}}, "es.json"},
		{"no language", fstest.MapFS{"locales/en.json": {Data: []byte(`{"messages": {"a": "b"}}`)}}, "en.json"},
		{"twice", fstest.MapFS{"locales/en.json": {Data: []byte(good)}, "locales/en2.json": {Data: []byte(good)}}, "en2.json"},
		{"no English", fstest.MapFS{"locales/es.json": {Data: []byte(`{"language": "es", "messages": {"a": "b"}}`)}}, "English"},
	} {
		if _, err := loadCatalogues(tt.files); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to name %q", tt.name, err, tt.want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fill finds placeholders exactly as the placeholder pattern does, and
// leaves those without a value as they are.
func TestFillMatchesPlaceholderPattern(t *testing.T) {
	l := localeLanguage("en-US")
	v := vars{"n": 3, "id": "abc", "a_b": "x", "count": int64(7)}
	for _, text := range []string{
		"", "no braces", "{n}", "{n}{id}", "{{n}}", "{a{id}", "{N}", "{n", "n}", "{}", "{ n}", "{unknown} {n}",
		"{a_b}", "{a-b}", "{n}}", "x{id}y{count}z", "{idé}", "é{id}é", "{", "}{n}{",
	} {
		want := placeholder.ReplaceAllStringFunc(text, func(p string) string {
			if val, ok := v[p[1:len(p)-1]]; ok {
				return l.show(val)
			}
			return p
		})
		if got := l.fill(text, v); got != want {
			t.Errorf("fill(%q) = %q, want %q", text, got, want)
		}
	}
}
