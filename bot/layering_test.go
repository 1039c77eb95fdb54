package bot_test

import (
	"errors"
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The module's layering, read from the import clauses of every package
// of the tree (this package's tests sit one level below its root).
const (
	moduleRoot    = ".."
	modulePath    = "github.com/agreementbot/agreementbot"
	discordgoPath = "github.com/bwmarrin/discordgo"
)

// pkg is one package of the module: its path relative to the module
// ("bot/discord"), what its own files import, and what its tests import.
type pkg struct {
	rel         string
	imports     []string
	testImports []string
	doc         string // the package comment
	docGo       bool   // the package has a doc.go
}

// modulePackages reads the import clauses of every package of the module,
// by relative path.
func modulePackages(t *testing.T) map[string]pkg {
	t.Helper()
	out := map[string]pkg{}
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != moduleRoot && (name == "testdata" || strings.HasPrefix(name, ".")) {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		var none *build.NoGoError
		if errors.As(err, &none) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(moduleRoot, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		out[rel] = pkg{rel: rel, imports: p.Imports, testImports: append(p.TestImports, p.XTestImports...),
			doc: p.Doc, docGo: slices.Contains(p.GoFiles, "doc.go")}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out["knowledge"]; !ok || len(out) < 10 {
		t.Fatalf("read %d packages from %s, knowledge not among them: not the module's root?", len(out), moduleRoot)
	}
	return out
}

// local returns the module's own packages among imports, relative to the
// module ("knowledge" for its root's).
func local(imports []string) []string {
	var out []string
	for _, imp := range imports {
		if rel, ok := strings.CutPrefix(imp, modulePath+"/"); ok {
			out = append(out, rel)
		} else if imp == modulePath {
			out = append(out, "")
		}
	}
	return out
}

// The Discord library stays at the boundary: only the transports
// (bot/discord) and the fake Discord their tests run against import it,
// and beyond them only the end-to-end tests of the command; bot, whose
// handlers and rendering use the bot's own types, depends on neither,
// even indirectly.
func TestOnlyTheTransportsImportDiscordgo(t *testing.T) {
	pkgs := modulePackages(t)
	transports := []string{"bot/discord", "internal/discordfake"}
	for _, p := range pkgs {
		if slices.Contains(p.imports, discordgoPath) && !slices.Contains(transports, p.rel) {
			t.Errorf("%s imports discordgo; only %v may", p.rel, transports)
		}
		if slices.Contains(p.testImports, discordgoPath) && !slices.Contains(append(transports, "cmd/agreementbot"), p.rel) {
			t.Errorf("the tests of %s import discordgo; only those of %v and cmd/agreementbot may", p.rel, transports)
		}
	}
	seen := walkImports(pkgs, "bot", func(rel, imp string) {
		if imp == discordgoPath {
			t.Errorf("bot depends on discordgo through %s", rel)
		}
	})
	if !seen["knowledge"] || seen["bot/discord"] {
		t.Errorf("bot's dependencies in the module: %v", seen)
	}
}

// internal/ holds helpers and tools that know nothing of the app: none
// imports bot, a package under bot/ or knowledge/, or the command. The
// knowledge root, standard library only, is the vocabulary they may
// share (the settings check answers' limits against it). Tests may
// import the app, to run a tool against it.
func TestInternalImportsNothingOfTheApp(t *testing.T) {
	for _, p := range modulePackages(t) {
		if !strings.HasPrefix(p.rel, "internal/") {
			continue
		}
		for _, dep := range local(p.imports) {
			if !strings.HasPrefix(dep, "internal/") && dep != "knowledge" {
				t.Errorf("%s imports %s", p.rel, dep)
			}
		}
	}
}

// Every package says what it is where go doc looks: a package comment,
// in a doc.go of its own.
func TestEveryPackageDocumented(t *testing.T) {
	for _, p := range modulePackages(t) {
		if p.doc == "" || !p.docGo {
			t.Errorf("%s: package comment %q, doc.go %v", p.rel, p.doc, p.docGo)
		}
	}
}

// The stores stay behind the bot's interfaces: bot depends, even
// indirectly, on neither the SQLite driver nor the Redis client, and the
// SQLite driver is imported by the two SQLite stores alone (the fact
// store and the activity history).
func TestBotImportsNoStore(t *testing.T) {
	const sqlite3, redis = "github.com/mattn/go-sqlite3", "github.com/redis/go-redis/v9"
	pkgs := modulePackages(t)
	for _, p := range pkgs {
		if slices.Contains(p.imports, sqlite3) && p.rel != "knowledge/sqlite" && p.rel != "bot/activitydb" {
			t.Errorf("%s imports the SQLite driver; only knowledge/sqlite and bot/activitydb may", p.rel)
		}
	}
	walkImports(pkgs, "bot", func(rel, imp string) {
		if imp == sqlite3 || imp == redis {
			t.Errorf("bot depends on %s through %s", imp, rel)
		}
	})
}

// walkImports calls check with every package of the module that root
// depends on, itself included, and each of its imports; it returns the
// packages walked.
func walkImports(pkgs map[string]pkg, root string, check func(rel, imp string)) map[string]bool {
	seen := map[string]bool{}
	var walk func(rel string)
	walk = func(rel string) {
		if seen[rel] {
			return
		}
		seen[rel] = true
		for _, imp := range pkgs[rel].imports {
			check(rel, imp)
		}
		for _, dep := range local(pkgs[rel].imports) {
			walk(dep)
		}
	}
	walk(root)
	return seen
}

// The dashboard (bot/dashboard) depends on the knowledge root and the
// bot's types: neither on discordgo, SQLite nor the engine and library
// behind the root's interfaces, even indirectly (its tests may wire
// them).
func TestDashboardLayering(t *testing.T) {
	pkgs := modulePackages(t)
	if _, ok := pkgs["bot/dashboard"]; !ok {
		t.Fatal("no bot/dashboard package")
	}
	forbidden := []string{discordgoPath, "github.com/mattn/go-sqlite3", modulePath + "/knowledge/sqlite",
		modulePath + "/knowledge/library", modulePath + "/knowledge/match", modulePath + "/bot/discord"}
	seen := walkImports(pkgs, "bot/dashboard", func(rel, imp string) {
		if slices.Contains(forbidden, imp) {
			t.Errorf("bot/dashboard depends on %s through %s", imp, rel)
		}
	})
	if !seen["bot"] || !seen["knowledge"] {
		t.Errorf("bot/dashboard's dependencies in the module: %v", seen)
	}
}
